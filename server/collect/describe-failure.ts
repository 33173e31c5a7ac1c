/** The errno numbers nsatlas meets (asm-generic/errno-base.h, errno.h), by name: the only place they are written. */
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EAGAIN: 11,
  EACCES: 13,
  EINVAL: 22,
  EMFILE: 24,
  ENOPROTOOPT: 92,
  ENOBUFS: 105,
} as const;

const NAMES = new Map<number, string>(Object.entries(ERRNO).map(([name, errno]) => [errno, name]));

/** "EPERM" for 1; "errno 1234" for a number without a name here. */
function errnoName(errno: number): string {
  return NAMES.get(errno) ?? `errno ${errno}`;
}

const isDenied = (errno: number) => errno === ERRNO.EPERM || errno === ERRNO.EACCES;

/** "setns failed: EPERM (reading a namespace needs CAP_SYS_ADMIN)": a syscall failure in words an operator can act on. */
export function describeFailure(stage: string, errno: number): string {
  const hint =
    isDenied(errno) && stage === "setns"
      ? " (entering a namespace needs CAP_SYS_ADMIN)"
      : isDenied(errno) && stage === "open"
        ? " (opening another process's namespace needs CAP_SYS_PTRACE)"
        : errno === ERRNO.EMFILE
          ? " (out of file descriptors)"
          : "";
  return `${stage} failed: ${errnoName(errno)}${hint}`;
}
