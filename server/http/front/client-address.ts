/**
 * Who is asking, for throttles and logs: the socket's peer address, unless that peer is a trusted
 * reverse proxy (NSATLAS_TRUSTED_PROXIES); then the nearest address in X-Forwarded-For (or
 * Forwarded) that is not itself a trusted proxy. A client can name any address in those headers,
 * so they count only when a proxy we trust wrote them.
 */
import { isIP, type BlockList } from "node:net";

/** "::ffff:10.0.0.1" (an IPv4 peer on a dual-stack socket) reads as "10.0.0.1". */
export function normaliseAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return (mapped?.[1] ?? address).toLowerCase();
}

function isTrusted(address: string, trusted: BlockList): boolean {
  const family = isIP(address);
  return family !== 0 && trusted.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** `for=` values of a Forwarded header: `for=192.0.2.1`, `for="[2001:db8::1]:4711"`. */
function forwardedFor(header: string): string[] {
  const hops: string[] = [];
  for (const match of header.matchAll(/for=("?)([^";,]+)\1/gi)) {
    const value = match[2] ?? "";
    const bracketed = /^\[([^\]]+)\]/.exec(value)?.[1];
    hops.push(bracketed ?? value.replace(/:\d+$/, ""));
  }
  return hops;
}

/** The proxies' hop list, nearest last. */
function hops(headers: { "x-forwarded-for"?: string | string[]; forwarded?: string | string[] }): string[] {
  const join = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(",") : (v ?? ""));
  const xff = join(headers["x-forwarded-for"]);
  if (xff.trim() !== "") return xff.split(",").map((h) => h.trim());
  return forwardedFor(join(headers.forwarded));
}

export function clientAddress(
  peer: string | undefined,
  headers: { "x-forwarded-for"?: string | string[]; forwarded?: string | string[] },
  trusted: BlockList,
): string {
  if (peer === undefined) return "unknown";
  let client = normaliseAddress(peer);
  if (!isTrusted(client, trusted)) return client;
  for (const hop of hops(headers).reverse()) {
    const address = normaliseAddress(hop);
    // A hop that is not an address ends the chain: what lies beyond it could be anything.
    if (isIP(address) === 0) break;
    client = address;
    if (!isTrusted(address, trusted)) break;
  }
  return client;
}
