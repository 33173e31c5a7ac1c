/**
 * `npm run image`: builds the image (Dockerfile) as nsatlas:<version> and nsatlas:latest, on a machine with a registry
 * or without one.
 *   npm run image [-- --base IMAGE] [--rebuild-base]
 * BASE is --base, or node:22-bookworm-slim when it is here or can be pulled, or else a stand-in made from Debian's
 * packages and the npm package of Node's binary (scripts/image/local-base.ts; made once, then reused). The host's CA
 * bundle (/etc/ssl/certs/ca-certificates.crt, or NSATLAS_BUILD_CA) goes to the build as a BuildKit secret, for
 * npm ci behind a TLS-intercepting proxy; no layer keeps it. Whatever stops it (Docker not running, no BuildKit, a
 * BASE that is not there or has no Node.js 22) is one line on stderr, exit 1.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { docker, dockerClient, dockerOk, firstLine, hasImage, ImageError, type DockerClient } from "./docker";
import { inspectBase, makeStandInBase, STAND_IN_BASE } from "./local-base";

const ROOT = path.resolve(import.meta.dirname, "../..");
export const OFFICIAL_BASE = "node:22-bookworm-slim";
const CA_BUNDLE = process.env.NSATLAS_BUILD_CA ?? "/etc/ssl/certs/ca-certificates.crt";

export interface ImageOptions {
  /** BASE for the Dockerfile; chosen as described above when absent. */
  base?: string | undefined;
  /** Make the stand-in base again even when one is here. */
  rebuildBase?: boolean;
  /** Progress lines (default: stdout). */
  log?: (line: string) => void;
  /** Where docker build's own output goes: a file (kept for a failure's diagnosis), or this process's stdout. */
  buildLog?: string;
}

export interface BuiltImage {
  /** nsatlas:<version> first, then nsatlas:latest. */
  tags: string[];
  base: string;
  /** How BASE was had. */
  baseFrom: "given" | "here" | "pulled" | "stand-in reused" | "stand-in made";
  sizeBytes: number;
  /** The docker build's wall time (BASE's making not included). */
  buildSeconds: number;
}

function version(): string {
  const pkg: unknown = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  const v = typeof pkg === "object" && pkg !== null && "version" in pkg ? pkg.version : undefined;
  if (typeof v !== "string") throw new ImageError("package.json has no version");
  return v;
}

function pulled(client: DockerClient, image: string): boolean {
  return docker(client, ["pull", "--quiet", image], { timeoutMs: 600_000 }).status === 0;
}

async function chooseBase(client: DockerClient, options: ImageOptions, log: (line: string) => void): Promise<Pick<BuiltImage, "base" | "baseFrom">> {
  if (options.base !== undefined) {
    if (hasImage(client, options.base)) return { base: options.base, baseFrom: "given" };
    const pull = docker(client, ["pull", "--quiet", options.base], { timeoutMs: 600_000 });
    if (pull.status === 0) return { base: options.base, baseFrom: "given" };
    throw new ImageError(
      `BASE ${options.base} is not an image here and cannot be pulled (${firstLine(pull.stderr)}): give a Debian bookworm image with Node.js 22 and apt, or leave --base out`,
    );
  }
  if (hasImage(client, OFFICIAL_BASE)) return { base: OFFICIAL_BASE, baseFrom: "here" };
  if (pulled(client, OFFICIAL_BASE)) return { base: OFFICIAL_BASE, baseFrom: "pulled" };
  if (!options.rebuildBase && hasImage(client, STAND_IN_BASE)) {
    log(`${OFFICIAL_BASE} cannot be pulled: building from the stand-in ${STAND_IN_BASE} made earlier (--rebuild-base makes it again)`);
    return { base: STAND_IN_BASE, baseFrom: "stand-in reused" };
  }
  log(`${OFFICIAL_BASE} cannot be pulled: making ${STAND_IN_BASE} from Debian's packages and the npm package of Node.js 22`);
  const started = Date.now();
  const node = await makeStandInBase(client, log);
  log(`${STAND_IN_BASE} (Node.js ${node}) made in ${Math.round((Date.now() - started) / 1000)} s`);
  return { base: STAND_IN_BASE, baseFrom: "stand-in made" };
}

function checkBase(client: DockerClient, base: string): void {
  const { node, hasApt } = inspectBase(client, base);
  if (node === undefined || !node.startsWith("v22.")) {
    throw new ImageError(
      `BASE ${base} has ${node === undefined ? "no Node.js" : `Node.js ${node}`}: give a Debian bookworm image with Node.js 22 and apt, like ${OFFICIAL_BASE}`,
    );
  }
  if (!hasApt) throw new ImageError(`BASE ${base} has no apt-get: give a Debian bookworm image with Node.js 22 and apt, like ${OFFICIAL_BASE}`);
}

/** Runs docker build; its output goes to `logFile` or to stdout. */
function dockerBuild(client: DockerClient, args: string[], logFile: string | undefined): Promise<number> {
  return new Promise((resolve) => {
    const out = logFile === undefined ? "inherit" : fs.openSync(logFile, "w");
    const child = spawn(client.bin, args, { cwd: ROOT, env: client.env, stdio: ["ignore", out, out] });
    child.on("close", (code) => {
      if (typeof out === "number") fs.closeSync(out);
      resolve(code ?? 1);
    });
  });
}

/** Builds nsatlas:<version> and nsatlas:latest; throws ImageError with one line when it cannot. */
export async function buildImage(options: ImageOptions = {}): Promise<BuiltImage> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const client = dockerClient();
  const { base, baseFrom } = await chooseBase(client, options, log);
  checkBase(client, base);
  const v = version();
  const tags = [`nsatlas:${v}`, "nsatlas:latest"];
  const secret = fs.existsSync(CA_BUNDLE) ? ["--secret", `id=ca,src=${CA_BUNDLE}`] : [];
  const args = [
    "build",
    "--progress=plain",
    "--build-arg",
    `BASE=${base}`,
    ...secret,
    ...tags.flatMap((t) => ["--tag", t]),
    "--label",
    `org.opencontainers.image.version=${v}`,
    "--label",
    "org.opencontainers.image.title=nsatlas",
    "--file",
    path.join(ROOT, "Dockerfile"),
    ROOT,
  ];
  log(
    `docker build (BASE ${base}${secret.length > 0 ? `, CA bundle ${CA_BUNDLE} as a build secret` : ""})${options.buildLog ? `: output in ${options.buildLog}` : ""}`,
  );
  const previous = docker(client, ["image", "inspect", "--format", "{{.Id}}", tags[0] ?? ""]).stdout.trim();
  const started = Date.now();
  const code = await dockerBuild(client, args, options.buildLog);
  const buildSeconds = (Date.now() - started) / 1000;
  if (code !== 0) {
    const tail = options.buildLog === undefined ? "" : `: ${fs.readFileSync(options.buildLog, "utf8").trim().split("\n").slice(-3).join(" / ")}`;
    throw new ImageError(`docker build failed (exit ${code}) after ${Math.round(buildSeconds)} s${tail}`);
  }
  const [id = "", size = ""] = dockerOk(client, ["image", "inspect", "--format", "{{.Id}} {{.Size}}", tags[0] ?? ""])
    .trim()
    .split(" ");
  // The image these tags named before, now untagged: ours, and dead weight (kept while a container still uses it).
  const untagged = previous !== "" && previous !== id && docker(client, ["image", "inspect", "--format", "{{len .RepoTags}}", previous]).stdout.trim() === "0";
  if (untagged) docker(client, ["image", "rm", previous]);
  const sizeBytes = Number(size);
  return { tags, base, baseFrom, sizeBytes, buildSeconds };
}

function parseArgs(argv: string[]): ImageOptions | "help" {
  const options: ImageOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") return "help";
    if (arg === "--rebuild-base") options.rebuildBase = true;
    else if (arg === "--base" && argv[i + 1] !== undefined) options.base = argv[++i];
    else if (arg?.startsWith("--base=")) options.base = arg.slice("--base=".length);
    else throw new ImageError(`unknown argument ${JSON.stringify(arg)} (npm run image -- [--base IMAGE] [--rebuild-base])`);
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options === "help") {
    process.stdout.write("npm run image -- [--base IMAGE] [--rebuild-base]: builds nsatlas:<version> and nsatlas:latest (docs/install.md#image)\n");
    return;
  }
  const built = await buildImage(options);
  const mb = Math.round(built.sizeBytes / 1e6);
  process.stdout.write(`${built.tags.join(" and ")}: ${mb} MB, built in ${Math.round(built.buildSeconds)} s from ${built.base} (${built.baseFrom})\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    process.stderr.write(`npm run image: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
