import type { z } from "zod";
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
