import { queryOptions } from "@tanstack/react-query";
import { captureStatusSchema } from "@/server/contract/capture";
import { WRITE_HEADER } from "@/server/contract/headers";
import { problemSchema } from "@/server/contract/problem";
import { ApiError, fetchJson } from "../data/api-client";
import { onNode } from "../data/node-client";
import { nodeApiPath } from "../url/routes";

/** The API path of both capture routes. */
export const CAPTURES_API = "/api/v1/captures";

/** Both capture routes of a node seen through the hub (`/api/v1/n/<node>/captures`), or of the dashboard's own node. */
export function capturesPath(node: string | undefined): string {
  return node === undefined ? CAPTURES_API : nodeApiPath(node, CAPTURES_API);
}

/** Whether packet capture is on here, or on the node of a hub's node page (its agent decides): asked once per page, refreshed on focus. */
export function captureStatusQuery() {
  return queryOptions({
    queryKey: ["captures"] as const,
    queryFn: ({ signal, client }) => fetchJson(onNode(client, CAPTURES_API), captureStatusSchema, signal),
    staleTime: 30_000,
  });
}

/** The body of POST /api/v1/captures, as the page builds it. */
export type CaptureBody = { netnsId: string; iface: string } | { pod: string } | { veth: { netnsId: string; iface: string } };

/** "attachment; filename=\"x.pcapng\"" → "x.pcapng" (the server sends only safe characters). */
export function fileNameOf(disposition: string | null): string {
  return /filename="([A-Za-z0-9._+-]+)"/.exec(disposition ?? "")?.[1] ?? "capture.pcapng";
}

/** The command that runs the same capture from a shell (`path`: capturesPath), straight into Wireshark (nothing to install on the node). */
export function wiresharkCommand(origin: string, path: string, body: object): string {
  const json = JSON.stringify(body).replace(/'/g, "'\\''");
  return `curl -sN -H "Authorization: Bearer $NSATLAS_TOKEN" -H '${WRITE_HEADER}: 1' -H 'content-type: application/json' -d '${json}' ${origin}${path} | wireshark -k -i -`;
}

/**
 * Runs a capture and collects its file: POST to `path` (capturesPath) with the dashboard's write header, the body
 * read as it streams (`onBytes` says how much has come), then one Blob. Aborting `signal` ends the capture on the
 * server at once (the file is then dropped).
 */
export async function runCapture(path: string, body: object, onBytes: (n: number) => void, signal: AbortSignal): Promise<{ fileName: string; blob: Blob }> {
  const response = await fetch(path, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", accept: "application/x-pcapng, application/problem+json", [WRITE_HEADER]: "1" },
    signal,
  });
  if (!response.ok || response.body === null) {
    const problem = problemSchema.safeParse(await response.json().catch(() => undefined));
    throw new ApiError(problem.success ? `${problem.data.title}: ${problem.data.detail ?? ""}`.replace(/: $/, "") : `HTTP ${response.status}`, response.status);
  }
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(new Uint8Array(value));
    total += value.byteLength;
    onBytes(total);
  }
  return { fileName: fileNameOf(response.headers.get("content-disposition")), blob: new Blob(chunks, { type: "application/x-pcapng" }) };
}

/** Hands a Blob to the browser as a download. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
