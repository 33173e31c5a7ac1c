import { tryRun } from "../lab/sh";

/** Deletes every `ip netns` namespace whose name starts with `<prefix>-`; goes on past what fails or is already gone. */
export function deleteNamedNetns(prefix: string): void {
  const names = tryRun("ip", ["netns", "list"])
    .out.split("\n")
    .map((l) => l.split(" ")[0] ?? "")
    .filter((n) => n.startsWith(`${prefix}-`));
  // -force: go on past lines that fail; host veth ends vanish on their own (asynchronously) with their namespace.
  if (names.length > 0) tryRun("ip", ["-force", "-batch", "-"], { input: `${names.map((n) => `netns del ${n}`).join("\n")}\n` });
}
