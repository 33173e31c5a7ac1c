import fs from "node:fs";
import path from "node:path";
import { run } from "./sh";

const BUSYBOX = "/bin/busybox";

/**
 * Builds a minimal root filesystem from Debian's busybox-static (there is no registry here) and
 * returns it as an uncompressed tar: the one layer of every lab image.
 */
export function busyboxRootfsTar(workDir: string): string {
  if (!fs.existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} missing: apt-get install busybox-static`);
  const root = path.join(workDir, "rootfs");
  fs.rmSync(root, { recursive: true, force: true });
  for (const dir of ["bin", "etc", "proc", "sys", "dev", "tmp", "run"]) fs.mkdirSync(path.join(root, dir), { recursive: true });
  fs.copyFileSync(BUSYBOX, path.join(root, "bin/busybox"));
  fs.chmodSync(path.join(root, "bin/busybox"), 0o755);
  for (const applet of run(BUSYBOX, ["--list"]).split("\n")) {
    // "busybox" itself is in the list; linking it would replace the binary with a loop.
    if (applet === "" || applet === "busybox") continue;
    fs.symlinkSync("busybox", path.join(root, "bin", applet));
  }
  fs.writeFileSync(path.join(root, "etc/passwd"), "root:x:0:0:root:/:/bin/sh\n");
  fs.writeFileSync(path.join(root, "etc/group"), "root:x:0:\n");
  const tar = path.join(workDir, "rootfs.tar");
  // Fixed owner and mtime keep the layer digest stable across runs, so re-imports are no-ops.
  run("tar", ["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0", "-C", root, "-cf", tar, "."]);
  return tar;
}
