/** GET /metrics: this process's metrics in the Prometheus text format (behind the token, like the API). */
import { processMetrics } from "../../metrics/process-metrics";

export async function metricsHandler(): Promise<Response> {
  const { registry } = processMetrics();
  return new Response(await registry.metrics(), { status: 200, headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
}
