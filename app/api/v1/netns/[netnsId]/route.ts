import { readSource } from "@/server/dal";
import { netnsHandler } from "@/server/http/handlers/read-handlers";

export const dynamic = "force-dynamic";

export async function GET(request: Request, context: { params: Promise<{ netnsId: string }> }): Promise<Response> {
  const { netnsId } = await context.params;
  return netnsHandler(request, netnsId, readSource());
}
