import type { z } from "zod";
import { WRITE_HEADER } from "@/server/contract/headers";
import { problemSchema } from "@/server/contract/problem";

/** An API answer that was not what the contract promised, with the server's own words when it sent any. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** GETs an API path and parses the body with the contract schema: nothing unparsed reaches a view. */
export async function fetchJson<T>(path: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, { signal, headers: { accept: "application/json" } });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const problem = problemSchema.safeParse(body);
    const text = problem.success ? (problem.data.detail ?? problem.data.title) : `HTTP ${response.status}`;
    throw new ApiError(text, response.status);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(`unexpected answer from ${path}: ${parsed.error.issues[0]?.message ?? "invalid"}`, response.status);
  return parsed.data;
}

/**
 * POSTs to an API path (a write: freeze, import, expose) and parses the answer with the contract
 * schema. The custom header marks the request as the dashboard's own (a form on another site cannot set it).
 */
export async function postJson<T>(path: string, body: BodyInit | undefined, schema: z.ZodType<T>): Promise<T> {
  const response = await fetch(path, { method: "POST", body, headers: { accept: "application/json", [WRITE_HEADER]: "1" } });
  const parsedBody: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const problem = problemSchema.safeParse(parsedBody);
    throw new ApiError(problem.success ? `${problem.data.title}: ${problem.data.detail ?? ""}`.replace(/: $/, "") : `HTTP ${response.status}`, response.status);
  }
  const parsed = schema.safeParse(parsedBody);
  if (!parsed.success) throw new ApiError(`unexpected answer from ${path}: ${parsed.error.issues[0]?.message ?? "invalid"}`, response.status);
  return parsed.data;
}
