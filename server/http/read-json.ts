import type { z } from "zod";
import { problemResponse } from "./json";
import { readBodyLimited } from "./read-body";

const SMALL_BODY = 4096;

/** A small JSON request body parsed by `schema`, or the 4xx problem answer saying what is wrong with it. */
export async function readJson<T>(request: Request, schema: z.ZodType<T>): Promise<{ ok: true; value: T } | { ok: false; response: Response }> {
  const body = await readBodyLimited(request, SMALL_BODY);
  if (body === "too-large") return { ok: false, response: problemResponse(413, "Request too large", `the body may have at most ${SMALL_BODY} bytes`) };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return { ok: false, response: problemResponse(400, "Malformed request", "the body is not JSON") };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, response: problemResponse(400, "Malformed request", `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`) };
  }
  return { ok: true, value: parsed.data };
}
