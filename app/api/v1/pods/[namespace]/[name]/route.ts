import { k8sNamespaceSchema, podNameSchema } from "@/server/contract/lookups";
import { getPod } from "@/server/dal";
import { jsonResponse, problemResponse } from "@/server/http/json";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, context: { params: Promise<{ namespace: string; name: string }> }): Promise<Response> {
  const params = await context.params;
  const namespace = k8sNamespaceSchema.safeParse(params.namespace);
  const name = podNameSchema.safeParse(params.name);
  if (!namespace.success) return problemResponse(400, "Malformed Kubernetes namespace", namespace.error.issues[0]?.message);
  if (!name.success) return problemResponse(400, "Malformed pod name", name.error.issues[0]?.message);
  try {
    const found = await getPod(namespace.data, name.data);
    if (found === undefined) return problemResponse(404, "No such pod", `no pod ${namespace.data}/${name.data} runs on this node now`);
    return jsonResponse(found);
  } catch (err) {
    return problemResponse(503, "The node could not be read", err instanceof Error ? err.message : String(err));
  }
}
