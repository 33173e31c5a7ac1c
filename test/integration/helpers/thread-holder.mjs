// A process whose one worker thread moves into the namespace file given as argv[2] and stays there
// (the process itself stays in its own). Prints "ready <tid>" once the thread has moved.
import { createRequire } from "node:module";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

const require = createRequire(import.meta.url);

if (isMainThread) {
  const worker = new Worker(new URL(import.meta.url), { workerData: process.argv[2] });
  worker.on("message", (m) => process.stdout.write(`${m}\n`));
  worker.on("error", (e) => {
    process.stderr.write(`${e}\n`);
    process.exit(1);
  });
} else {
  const koffi = require("koffi");
  const libc = koffi.load("libc.so.6");
  const open = libc.func("int open(const char *path, int flags)");
  const setns = libc.func("int setns(int fd, int nstype)");
  const gettid = libc.func("int gettid()");
  const fd = open(workerData, 0);
  if (fd < 0 || setns(fd, 0x40000000) !== 0) throw new Error(`setns failed: errno ${koffi.errno()}`);
  parentPort.postMessage(`ready ${gettid()}`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // sleep for good
}
