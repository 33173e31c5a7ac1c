/**
 * The libc calls of the reader worker, through koffi. Imported by the worker thread only:
 * setns(CLONE_NEWNET) moves the calling thread, which must never be the JS main thread, a libuv pool
 * thread or koffi's async pool (so nothing here is ever called with `.async`).
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const koffi: typeof import("koffi") = require("koffi");

export interface ReaderLibc {
  open: (path: string, flags: number) => number;
  close: (fd: number) => number;
  setns: (fd: number, nstype: number) => number;
  socket: (domain: number, type: number, protocol: number) => number;
  sendto: (fd: number, buf: Buffer, len: number, flags: number, addr: Buffer, addrlen: number) => number | bigint;
  recv: (fd: number, buf: Buffer, len: number, flags: number) => number | bigint;
  bind: (fd: number, addr: Buffer, len: number) => number;
  setsockopt: (fd: number, level: number, name: number, value: Buffer, len: number) => number;
  getsockopt: (fd: number, level: number, name: number, value: Buffer, len: Buffer) => number;
  /** `msg` is native memory (see pinned()): the struct holds pointers that must not move. */
  recvmsg: (fd: number, msg: unknown, flags: number) => number | bigint;
}

const lib = koffi.load("libc.so.6");

export const libc: ReaderLibc = {
  open: lib.func("int open(const char *path, int flags)"),
  close: lib.func("int close(int fd)"),
  setns: lib.func("int setns(int fd, int nstype)"),
  socket: lib.func("int socket(int domain, int type, int protocol)"),
  sendto: lib.func("intptr_t sendto(int fd, const void *buf, size_t len, int flags, const void *addr, uint32_t addrlen)"),
  recv: lib.func("intptr_t recv(int fd, void *buf, size_t len, int flags)"),
  bind: lib.func("int bind(int fd, const void *addr, uint32_t len)"),
  setsockopt: lib.func("int setsockopt(int fd, int level, int name, const void *value, uint32_t len)"),
  getsockopt: lib.func("int getsockopt(int fd, int level, int name, void *value, void *len)"),
  recvmsg: lib.func("intptr_t recvmsg(int fd, void *msg, int flags)"),
};

/** errno of this thread's last failed call. */
export function lastErrno(): number {
  return koffi.errno();
}

/** Native memory that never moves (for structs that point into each other), seen through a Buffer. */
export interface Pinned {
  memory: unknown;
  view: Buffer;
  address: bigint;
}

export function pinned(size: number): Pinned {
  const memory: unknown = koffi.alloc("uint8_t", size);
  return { memory, view: Buffer.from(koffi.view(memory, size)), address: koffi.address(memory) };
}
