import fs from "node:fs";
import { labConfig, manifestPath } from "../../lab/lab-config";
import { readManifest, type LabManifest, type LabNetns } from "../../lab/manifest";

/** The running lab's manifest; fails loudly when the lab is not up (a missing lab is a failure, not a skip). */
export function loadLabManifest(): LabManifest {
  const file = manifestPath(labConfig());
  if (!fs.existsSync(file)) throw new Error(`no lab manifest at ${file}: run \`npm run lab:up\` (npm test does it for you)`);
  return readManifest(file);
}

export function labNetns(manifest: LabManifest, key: string): LabNetns {
  const ns = manifest.netns.find((n) => n.key === key);
  if (ns === undefined) throw new Error(`no ${key} in the lab manifest`);
  return ns;
}

/** The netns inode a manifest key names ("host" is the host namespace). */
export function inodeOfKey(manifest: LabManifest, key: string): string {
  return key === "host" ? manifest.hostInode : labNetns(manifest, key).inode;
}
