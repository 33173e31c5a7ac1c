/**
 * Gives the C heap's free pages back to the system after a scan (glibc's malloc_trim(3)). A scan frees what
 * it allocated outside V8's heap (V8's compiler zones on its helper threads, Buffers, the HTTP answer), but glibc
 * keeps freed pages in each thread's arena until something asks for them again: measured on the lab, 2–3 MB of a
 * long-running agent's resident memory, and most of its spread from one reading to the next. A trim takes
 * 0.1–0.3 ms there. Where there is no glibc (no malloc_trim), it does nothing.
 */
import { createRequire } from "node:module";
import { errorFields, logger } from "../log/logger";

const require = createRequire(import.meta.url);

let mallocTrim: ((pad: number) => number) | null | undefined;

function load(): ((pad: number) => number) | null {
  try {
    const koffi: typeof import("koffi") = require("koffi");
    const trim = koffi.load("libc.so.6").func("int malloc_trim(size_t pad)");
    return (pad) => Number(trim(pad));
  } catch (err) {
    logger().debug({ err: errorFields(err) }, "no malloc_trim: freed native memory stays with the allocator");
    return null;
  }
}

/** Returns the allocator's free memory to the system (at once; call it when a burst of work is over). */
export function releaseFreedNativeMemory(): void {
  if (mallocTrim === undefined) mallocTrim = load();
  mallocTrim?.(0);
}
