import { k8sNamespaceSchema, podNameSchema } from "@/server/contract/lookups";
import { getPod } from "@/server/dal";
import { answer, readAt, whereText } from "@/server/http/answer";
import { jsonResponse, problemResponse } from "@/server/http/json";

export const dynamic = "force-dynamic";

export async function GET(request: Request, context: { params: Promise<{ namespace: string; name: string }> }): Promise<Response> {
  const params = await context.params;
  const namespace = k8sNamespaceSchema.safeParse(params.namespace);
  const name = podNameSchema.safeParse(params.name);
  if (!namespace.success) return problemResponse(400, "Malformed Kubernetes namespace", namespace.error.issues[0]?.message);
  if (!name.success) return problemResponse(400, "Malformed pod name", name.error.issues[0]?.message);
  const at = readAt(request);
  if (!at.ok) return at.response;
  return answer(async () => {
    const found = await getPod(namespace.data, name.data, at.at);
    if (found === undefined) return problemResponse(404, "No such pod", `no pod ${namespace.data}/${name.data} runs ${whereText(at.at)}`);
    return jsonResponse(found);
  });
}
