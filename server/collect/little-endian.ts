/**
 * Little-endian integers read from and written to bytes whose bounds the caller has already checked (every use sits
 * behind a length test: a header walk, an attribute length, `need`, a request built here). Buffer#readUInt32LE and its
 * kin check their arguments in JavaScript on every call, and V8 compiles each of them on its own once it is hot; the
 * reader and the decoders call them for every request, message and attribute of every namespace, mostly before V8 has
 * optimised anything in a one-shot command. Plain byte accesses cost less there (docs/benchmarks.md, "2026-12-05,
 * evening"). Out of range, reads give 0 and writes do nothing, where Buffer's methods would throw.
 */
export const s32le = (b: Uint8Array, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24);

export const u32le = (b: Uint8Array, at: number): number => s32le(b, at) >>> 0;

export const u16le = (b: Uint8Array, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);

export function putU32le(b: Uint8Array, at: number, value: number): void {
  b[at] = value & 0xff;
  b[at + 1] = (value >>> 8) & 0xff;
  b[at + 2] = (value >>> 16) & 0xff;
  b[at + 3] = (value >>> 24) & 0xff;
}
