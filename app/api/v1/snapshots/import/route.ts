import { getImportLimit, importSnapshot } from "@/server/dal";
import { answer, requester } from "@/server/http/answer";
import { jsonResponse, problemResponse } from "@/server/http/json";
import { readBodyLimited } from "@/server/http/read-body";

export const dynamic = "force-dynamic";

/** Import a snapshot file (the body is the file's bytes). */
export async function POST(request: Request): Promise<Response> {
  const limit = getImportLimit();
  const body = await readBodyLimited(request, limit);
  if (body === "too-large") return problemResponse(413, "File too large", `the limit for an imported snapshot is ${limit} bytes (NSATLAS_IMPORT_MAX_MB)`);
  return answer(async () => {
    const result = await importSnapshot(body, requester(request));
    if (!result.ok) return problemResponse(422, result.title, result.detail);
    return jsonResponse(result.entry, 201);
  });
}
