const NAMES: Record<number, string> = { 1: "EPERM", 2: "ENOENT", 13: "EACCES", 22: "EINVAL", 24: "EMFILE", 92: "ENOPROTOOPT", 105: "ENOBUFS" };

/** "setns failed: EPERM (reading a namespace needs CAP_SYS_ADMIN)": a syscall failure in words an operator can act on. */
export function describeFailure(stage: string, errno: number): string {
  const name = NAMES[errno] ?? `errno ${errno}`;
  const hint =
    (errno === 1 || errno === 13) && stage === "setns"
      ? " (entering a namespace needs CAP_SYS_ADMIN)"
      : (errno === 1 || errno === 13) && stage === "open"
        ? " (opening another process's namespace needs CAP_SYS_PTRACE)"
        : errno === 24
          ? " (out of file descriptors)"
          : "";
  return `${stage} failed: ${name}${hint}`;
}
