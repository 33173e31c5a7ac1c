import { spawnSync } from "node:child_process";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { z } from "zod";

/** The repository's root (this file is test/deploy/kubernetes/render.ts). */
export const REPO = path.resolve(import.meta.dirname, "../../..");

/** The kustomize base users apply (`kubectl apply -k deploy/kubernetes`) and the OpenShift overlay. */
export const BASE_DIR = path.join(REPO, "deploy/kubernetes");
export const OPENSHIFT_DIR = path.join(REPO, "deploy/kubernetes/openshift");

/** What every rendered document has; the rest is checked against the Kubernetes schemas (schemas.ts). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/**
 * The oldest kubectl whose kustomize builds these directories: 1.21 embeds kustomize v4, which reads directories in
 * `resources:` and inline JSON 6902 patches under `patches:` (the overlay uses both). Debian 12's own kubectl (package
 * kubernetes-client, 1.20) embeds kustomize v2.0.3 and cannot; the kubectl on this project's machines (1.32) embeds v5.5.
 */
const MIN_KUBECTL_MINOR = 21;

const kubectlVersionSchema = z.object({
  clientVersion: z.object({ major: z.string(), minor: z.string(), gitVersion: z.string() }),
  kustomizeVersion: z.string().optional(),
});

function run(args: string[], cwd = REPO): { stdout: string; stderr: string } {
  const result = spawnSync("kubectl", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  if (result.error !== undefined) {
    const missing = (result.error as NodeJS.ErrnoException).code === "ENOENT";
    throw new Error(
      missing
        ? `kubectl is not on PATH: these tests render deploy/kubernetes with \`kubectl kustomize\` (kubectl 1.${MIN_KUBECTL_MINOR} or newer)`
        : `kubectl ${args.join(" ")}: ${result.error.message}`,
      { cause: result.error },
    );
  }
  if (result.status !== 0) throw new Error(`kubectl ${args.join(" ")} exited ${String(result.status)}:\n${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

/** kubectl's version and its kustomize's, e.g. "v1.32.4, kustomize v5.5.0"; throws when kubectl is missing or too old. */
export function kubectlVersion(): string {
  const { stdout } = run(["version", "--client", "-o", "json"]);
  const { clientVersion, kustomizeVersion } = kubectlVersionSchema.parse(JSON.parse(stdout));
  const minor = Number.parseInt(clientVersion.minor, 10);
  if (clientVersion.major !== "1" || !(minor >= MIN_KUBECTL_MINOR)) {
    throw new Error(`kubectl is ${clientVersion.gitVersion}; kubectl kustomize builds deploy/kubernetes from 1.${MIN_KUBECTL_MINOR} on (kustomize v4+)`);
  }
  return `${clientVersion.gitVersion}, kustomize ${kustomizeVersion ?? "(not named before kubectl 1.24)"}`;
}

export interface Rendered {
  objects: KubeObject[];
  /** What kustomize said on stderr (deprecation warnings and the like); empty for a clean build. */
  warnings: string;
}

/** `kubectl kustomize DIR`, parsed: one object per YAML document. */
export function renderKustomize(dir: string): Rendered {
  const { stdout, stderr } = run(["kustomize", dir]);
  return { objects: parseObjects(stdout, dir), warnings: stderr.trim() };
}

/** Multi-document YAML to objects; throws on a YAML error or a document that is not a Kubernetes object. */
export function parseObjects(text: string, source: string): KubeObject[] {
  return parseAllDocuments(text).map((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${source}, document ${i + 1}: ${doc.errors.map((e) => e.message).join("; ")}`);
    const value: unknown = doc.toJS();
    if (!isKubeObject(value)) throw new Error(`${source}, document ${i + 1}: not a Kubernetes object (apiVersion, kind, metadata.name)`);
    return value;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isKubeObject(value: unknown): value is KubeObject {
  return (
    isRecord(value) &&
    typeof value.apiVersion === "string" &&
    typeof value.kind === "string" &&
    isRecord(value.metadata) &&
    typeof value.metadata.name === "string"
  );
}
