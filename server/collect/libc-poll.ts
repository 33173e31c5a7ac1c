/**
 * poll(2) through koffi, for the main thread, and the layout of struct pollfd. Called plainly with a zero timeout it
 * checks without waiting; `.async` waits on a libuv pool thread, never blocking the event loop.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const koffi: typeof import("koffi") = require("koffi");

/** struct pollfd: int fd, short events, short revents. */
export const POLLFD = { BYTES: 8, EVENTS: 4, REVENTS: 6 } as const;

export type LibcPoll = ReturnType<ReturnType<typeof koffi.load>["func"]>;
let poll: LibcPoll | undefined;

export function libcPoll(): LibcPoll {
  poll ??= koffi.load("libc.so.6").func("int poll(void *fds, unsigned long nfds, int timeout)");
  return poll;
}

/** poll(2) with no wait over the pollfd structs in `fds`: the number of descriptors with events, or -1. */
export function pollNow(fds: Buffer, count: number): number {
  const ready: unknown = libcPoll()(fds, count, 0);
  return typeof ready === "number" ? ready : -1;
}
