/**
 * The test lab: `tsx test/lab/cli.ts up|down|status|env|demo`.
 *   up      build the lab (idempotent) and write its manifest
 *   down    remove everything the lab made, even after a failed up
 *   status  print the manifest's namespaces
 *   env     print the environment that points nsatlas at the lab's engines
 *   demo    up, then `npm start` with that environment
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import { labDown, labUp } from "./lab";
import { labConfig, manifestPath } from "./lab-config";
import { labEnv } from "./lab-env";
import { readManifest } from "./manifest";

async function main(command: string | undefined): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("the lab creates namespaces and starts engines: run it as root");
  const config = labConfig();
  switch (command) {
    case "up":
      await labUp(config);
      return;
    case "down":
      await labDown(config);
      return;
    case "status": {
      if (!fs.existsSync(manifestPath(config))) {
        console.log("lab: not up");
        return;
      }
      const m = readManifest(manifestPath(config));
      for (const n of m.netns)
        console.log(`${n.inode.padEnd(12)} ${n.key.padEnd(40)} ${n.interfaces.map((i) => `${i.name}:${i.addresses.join(",")}`).join(" ")}`);
      return;
    }
    case "env": {
      const env = labEnv(readManifest(manifestPath(config)));
      for (const [k, v] of Object.entries(env)) console.log(`${k}=${v}`);
      return;
    }
    case "demo": {
      const manifest = await labUp(config);
      const child = spawn("npm", ["start"], { stdio: "inherit", env: { ...process.env, ...labEnv(manifest) } });
      for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
      child.on("exit", (code) => {
        console.log("lab: still up; remove it with `npm run lab:down`");
        process.exit(code ?? 0);
      });
      return;
    }
    default:
      throw new Error(`usage: tsx test/lab/cli.ts up|down|status|env|demo (got ${command ?? "nothing"})`);
  }
}

main(process.argv[2]).catch((err: unknown) => {
  console.error(`lab: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
