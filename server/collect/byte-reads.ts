/**
 * Little-endian integers read straight from bytes whose bounds the caller has already checked (every use sits behind
 * a length test: a header walk, an attribute length, `need`). Buffer#readUInt32LE and its kin check their arguments in
 * JavaScript on every call, and V8 compiles each of them on its own once it is hot; the decoders call them for every
 * message and attribute of every namespace, mostly before V8 has optimised anything in a one-shot command. Plain
 * byte reads cost less there (docs/benchmarks.md, "2026-12-05, evening"). Out of range they read 0, not throw.
 */
export const s32le = (b: Uint8Array, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24);

export const u32le = (b: Uint8Array, at: number): number => s32le(b, at) >>> 0;

export const u16le = (b: Uint8Array, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
