import { z } from "zod";
import { snapshotIdSchema } from "@/server/contract/history";
import { getDiff } from "@/server/dal";
import { answer } from "@/server/http/answer";
import { jsonResponse, problemResponse } from "@/server/http/json";

export const dynamic = "force-dynamic";

const diffParamsSchema = z.object({
  from: snapshotIdSchema,
  /** A stored snapshot, or "now" (the default): the node as it is. */
  to: z.union([z.literal("now"), snapshotIdSchema]).default("now"),
});

/** GET /api/v1/diff?from=<id>&to=<id|now> */
export async function GET(request: Request): Promise<Response> {
  const params = diffParamsSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!params.success) {
    const issue = params.error.issues[0];
    return problemResponse(
      400,
      "Malformed diff request",
      `${issue?.path.join(".") || "query"}: ${issue?.message ?? "invalid"} (from=<snapshot id>&to=<snapshot id|now>)`,
    );
  }
  const { from, to } = params.data;
  return answer(async () => jsonResponse(await getDiff(from, to === "now" ? undefined : to)));
}
