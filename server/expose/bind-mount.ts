import koffi from "koffi";

// mount(2) and umount2(2) straight from libc: no `mount` command is ever run on a request's behalf.
const libc = koffi.load("libc.so.6");
const mount = libc.func("int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data)");
const umount2 = libc.func("int umount2(const char *target, int flags)");

const MS_BIND = 4096;
const MNT_DETACH = 2;

export class MountError extends Error {
  constructor(
    readonly call: string,
    readonly errno: number,
  ) {
    super(`${call} failed with errno ${errno}`);
  }
}

/** Bind-mounts `source` (a /proc/PID/ns/net) on the existing file `target`. */
export function bindMount(source: string, target: string): void {
  if (mount(source, target, "none", MS_BIND, null) !== 0) throw new MountError("mount", koffi.errno());
}

/** Detaches the mount at `target` (lazily: a process inside keeps the namespace, not the mount). */
export function unmount(target: string): void {
  if (umount2(target, MNT_DETACH) !== 0) throw new MountError("umount2", koffi.errno());
}
