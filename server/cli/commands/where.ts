import { findContainer, findIpNetns, findPod, findPodmanPod } from "../../lookups/find-owner";
import { CliFailure } from "../cli-failure";
import { formatWhere } from "../format-where";
import { printJson, printText } from "../output";
import { describeTarget, parseWhereTarget } from "../where-target";
import type { ReadAhead } from "../../snapshot/read-ahead";
import { snapshotOnce } from "../with-agent";

/** `nsatlas where <ns/pod | container> [--json]`: the namespaces it lives in, what holds them, how to enter. */
export async function whereCommand(options: { target: string; json: boolean }, readAhead?: ReadAhead): Promise<number> {
  const target = parseWhereTarget(options.target);
  if (target === undefined) {
    throw new CliFailure(`nsatlas where: ${JSON.stringify(options.target)} is not a pod (namespace/name) or a container name or id`, 2);
  }
  const snapshot = await snapshotOnce(readAhead);
  const found =
    target.kind === "pod"
      ? findPod(snapshot, target.namespace, target.name)
      : (findContainer(snapshot, target.ref) ?? findPodmanPod(snapshot, target.ref) ?? findIpNetns(snapshot, target.ref));
  if (found === undefined) throw new CliFailure(`nsatlas where: no ${describeTarget(target)} on this node (nsatlas list shows what there is)`, 1);
  if (options.json) printJson(found);
  else printText(formatWhere(found));
  return 0;
}
