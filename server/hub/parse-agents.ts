/**
 * NSATLAS_AGENTS: where a hub finds its node agents. A comma-separated list of
 *   http://host:port, https://host:port   one agent at a fixed address (a host name is resolved on each connection)
 *   dns:<name>:<port>                     every A/AAAA record of <name> (a headless Service), re-resolved every 15 s
 * Pure: the first bad entry is refused with one line naming it (server/config.ts turns that into a start-up error).
 */
import { isIP } from "node:net";
import * as z from "zod";

export type AgentEntry =
  | {
      kind: "static";
      /** The entry as written (trimmed). */
      entry: string;
      /** The base URL, without a trailing slash: `http://10.0.0.5:7471`. */
      url: string;
    }
  | { kind: "dns"; entry: string; name: string; port: number };

/** The most entries a list may have, and the longest entry: a list is configuration, not data. */
export const MAX_AGENT_ENTRIES = 256;
const MAX_ENTRY_LENGTH = 300;

/** A DNS name: labels of letters, digits, `-` and `_` (SRV-style names), dot-separated, no empty label. */
const dnsNameSchema = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/);
const portSchema = z
  .string()
  .regex(/^\d{1,5}$/)
  .transform(Number)
  .pipe(z.number().int().min(1).max(65535));

const dnsEntrySchema = z
  .string()
  .regex(/^dns:([^:]+):([^:]+)$/)
  .transform((s) => {
    const [, name = "", port = ""] = /^dns:([^:]+):([^:]+)$/.exec(s) ?? [];
    return { name, port };
  })
  .pipe(z.object({ name: dnsNameSchema, port: portSchema }));

/** http(s)://host:port with nothing else: no user, path, query or fragment; the port is required. */
const urlEntrySchema = z.string().transform((s, ctx) => {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    ctx.addIssue({ code: "custom", message: "not a URL" });
    return z.NEVER;
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const problem =
    url.protocol !== "http:" && url.protocol !== "https:"
      ? "only http:// and https:// are supported"
      : url.username !== "" || url.password !== ""
        ? "no user or password in the URL (the token is NSATLAS_AGENT_TOKEN)"
        : !/^https?:\/\/[^/?#]+:\d{1,5}\/?$/.test(s) || url.port === "0"
          ? "a port 1-65535 is required and nothing may follow it"
          : host === "" || (isIP(host) === 0 && !dnsNameSchema.safeParse(host).success)
            ? "the host is neither an address nor a DNS name"
            : undefined;
  if (problem !== undefined) {
    ctx.addIssue({ code: "custom", message: problem });
    return z.NEVER;
  }
  return `${url.protocol}//${url.host}`;
});

export type ParsedAgents = { ok: true; entries: AgentEntry[] } | { ok: false; error: string };

const EXPECTED = "use http://host:port, https://host:port or dns:<name>:<port>";

/** Shows an entry in an error message: quoted, control characters escaped, cut at 100 characters. */
function show(entry: string): string {
  const safe = entry.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return JSON.stringify(safe.length > 100 ? `${safe.slice(0, 100)}…` : safe);
}

/** Parses the value of NSATLAS_AGENTS; an error is one line that names the first bad entry. */
export function parseAgents(value: string): ParsedAgents {
  const raw = value.split(",").map((e) => e.trim());
  if (raw.every((e) => e === "")) return { ok: false, error: `NSATLAS_AGENTS is empty: ${EXPECTED}` };
  if (raw.length > MAX_AGENT_ENTRIES) return { ok: false, error: `NSATLAS_AGENTS has ${raw.length} entries; at most ${MAX_AGENT_ENTRIES}` };
  const entries: AgentEntry[] = [];
  const seen = new Set<string>();
  for (const [i, entry] of raw.entries()) {
    const where = `NSATLAS_AGENTS entry ${i + 1} ${show(entry)}`;
    if (entry === "") return { ok: false, error: `${where} is empty (a stray comma?): ${EXPECTED}` };
    if (entry.length > MAX_ENTRY_LENGTH) return { ok: false, error: `${where} is longer than ${MAX_ENTRY_LENGTH} characters` };
    let parsed: AgentEntry;
    if (entry.startsWith("dns:")) {
      const dns = dnsEntrySchema.safeParse(entry);
      if (!dns.success) return { ok: false, error: `${where} is not dns:<name>:<port> with a DNS name and a port 1-65535` };
      parsed = { kind: "dns", entry, name: dns.data.name, port: dns.data.port };
    } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) {
      const url = urlEntrySchema.safeParse(entry);
      if (!url.success) return { ok: false, error: `${where} is not an agent address: ${url.error.issues[0]?.message ?? "invalid"}; ${EXPECTED}` };
      parsed = { kind: "static", entry, url: url.data };
    } else {
      return { ok: false, error: `${where} is not an agent address: ${EXPECTED}` };
    }
    const key = parsed.kind === "dns" ? `dns:${parsed.name.toLowerCase()}:${parsed.port}` : parsed.url.toLowerCase();
    if (seen.has(key)) return { ok: false, error: `${where} is listed twice` };
    seen.add(key);
    entries.push(parsed);
  }
  return { ok: true, entries };
}
