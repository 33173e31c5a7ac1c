/**
 * A capture must never capture itself: on the agent's own namespace (the host's, `isHost`) the HTTP
 * connection that carries the file runs over one of the interfaces being captured (the uplink, or lo
 * for a local client), and every packet written would be captured again; it may also pass through
 * another captured namespace (a client inside the pod). The front servers tell the handler the
 * request's socket (both ends, as the kernel sees them) in a header they set themselves and never take
 * from the client; every source's filter then leaves out exactly that TCP connection.
 */
import { isIP } from "node:net";

/** Set by the front servers (server/dashboard/serve-dashboard.ts, server/agent-server/serve.ts): "<remote address> <remote port> <local address> <local port>". */
export const SOCKET_HEADER = "x-nsatlas-socket";

export interface SocketEnds {
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
}

/** "::ffff:10.0.0.1" is IPv4 on the wire; a zone ("fe80::1%eth0") is no part of a filter's address. */
function wireAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return (mapped?.[1] ?? address).replace(/%.*$/, "").toLowerCase();
}

/** The header's value for a socket, or undefined when it is not a TCP socket with both ends known. */
export function socketHeaderValue(socket: { remoteAddress?: string; remotePort?: number; localAddress?: string; localPort?: number }): string | undefined {
  const { remoteAddress, remotePort, localAddress, localPort } = socket;
  if (remoteAddress === undefined || remotePort === undefined || localAddress === undefined || localPort === undefined) return undefined;
  return `${wireAddress(remoteAddress)} ${remotePort} ${wireAddress(localAddress)} ${localPort}`;
}

const isPort = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;

export function parseSocketHeader(value: string | null): SocketEnds | undefined {
  const [remoteAddress = "", remotePort = "", localAddress = "", localPort = "", ...rest] = (value ?? "").split(" ");
  const ends = { remoteAddress, remotePort: Number(remotePort), localAddress, localPort: Number(localPort) };
  if (rest.length > 0 || isIP(remoteAddress) === 0 || isIP(localAddress) === 0 || !isPort(ends.remotePort) || !isPort(ends.localPort)) return undefined;
  return ends;
}

/** The pcap-filter expression that matches the connection (both directions), and nothing else in practice. */
export function connectionFilter(ends: SocketEnds): string {
  return `tcp and host ${ends.remoteAddress} and port ${ends.remotePort} and host ${ends.localAddress} and port ${ends.localPort}`;
}

/** The user's filter, without the request's own connection: "(<filter>) and not (<connection>)". */
export function withoutOwnConnection(filter: string, ends: SocketEnds): string {
  const exclusion = `not (${connectionFilter(ends)})`;
  return filter === "" ? exclusion : `(${filter}) and ${exclusion}`;
}
