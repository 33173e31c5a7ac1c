/**
 * Every rendered object checked against the Kubernetes API's schemas, offline:
 * - values, types, enums and required fields by the validators of the `kubernetes-models` package (generated from the
 *   Kubernetes OpenAPI spec; its 4.x line covers Kubernetes 1.32);
 * - unknown fields (a typo, or a field one level off, which the API server's strict field validation refuses on apply)
 *   by walking each object along the same package's type declarations with the TypeScript checker;
 * - OpenShift's SecurityContextConstraints, which that package does not model, by a strict zod schema transcribed from
 *   the CRD that defines it (openshift/api, security/v1: securitycontextconstraints.security.openshift.io).
 */
import path from "node:path";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import ts from "typescript";
import { z } from "zod";
import { REPO, type KubeObject } from "./render";

interface KindEntry {
  /** The kubernetes-models module and the interface it declares for this kind. */
  module: string;
  iface: string;
  /** The package's validator for this kind: throws with every schema error. */
  validate: (object: KubeObject) => void;
}

// A model's constructor takes the object as its data; validate() checks it against the kind's schema.
const KINDS: Record<string, KindEntry> = {
  "v1/Namespace": {
    module: "kubernetes-models/v1/Namespace",
    iface: "INamespace",
    validate: (o) => new Namespace(o as ConstructorParameters<typeof Namespace>[0]).validate(),
  },
  "v1/ServiceAccount": {
    module: "kubernetes-models/v1/ServiceAccount",
    iface: "IServiceAccount",
    validate: (o) => new ServiceAccount(o as ConstructorParameters<typeof ServiceAccount>[0]).validate(),
  },
  "v1/Service": {
    module: "kubernetes-models/v1/Service",
    iface: "IService",
    validate: (o) => new Service(o as ConstructorParameters<typeof Service>[0]).validate(),
  },
  "apps/v1/DaemonSet": {
    module: "kubernetes-models/apps/v1/DaemonSet",
    iface: "IDaemonSet",
    validate: (o) => new DaemonSet(o as ConstructorParameters<typeof DaemonSet>[0]).validate(),
  },
  "apps/v1/Deployment": {
    module: "kubernetes-models/apps/v1/Deployment",
    iface: "IDeployment",
    validate: (o) => new Deployment(o as ConstructorParameters<typeof Deployment>[0]).validate(),
  },
  "networking.k8s.io/v1/NetworkPolicy": {
    module: "kubernetes-models/networking.k8s.io/v1/NetworkPolicy",
    iface: "INetworkPolicy",
    validate: (o) => new NetworkPolicy(o as ConstructorParameters<typeof NetworkPolicy>[0]).validate(),
  },
};

const SCC_KIND = "security.openshift.io/v1/SecurityContextConstraints";

export function kindKey(object: Pick<KubeObject, "apiVersion" | "kind">): string {
  return `${object.apiVersion}/${object.kind}`;
}

/** The kinds this module can check; a rendered object of any other kind is an error of its own. */
export const KNOWN_KINDS: readonly string[] = [...Object.keys(KINDS), SCC_KIND];

// ---- unknown fields, along the type declarations --------------------------------------------------------------

/** A source file that exists only for the compiler: one property per kind, typed with the package's interface. */
const VIRTUAL_FILE = path.join(REPO, "test/deploy/kubernetes/__kinds__.ts");

interface FieldChecker {
  checker: ts.TypeChecker;
  types: Map<string, ts.Type>;
}

let fieldChecker: FieldChecker | undefined;

function loadFieldChecker(): FieldChecker {
  const entries = Object.entries(KINDS);
  const source = [
    ...entries.map(([, e], i) => `import type { ${e.iface} as K${i} } from "${e.module}";`),
    "export interface Kinds {",
    ...entries.map(([key], i) => `  ${JSON.stringify(key)}: K${i};`),
    "}",
  ].join("\n");
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    fileName === VIRTUAL_FILE ? ts.createSourceFile(fileName, source, languageVersion) : getSourceFile.call(host, fileName, languageVersion, ...rest);
  host.fileExists = (fileName) => fileName === VIRTUAL_FILE || fileExists.call(host, fileName);
  host.readFile = (fileName) => (fileName === VIRTUAL_FILE ? source : readFile.call(host, fileName));
  const program = ts.createProgram([VIRTUAL_FILE], options, host);
  const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  if (problems.length > 0) throw new Error(`kubernetes-models type declarations did not load:\n${problems.join("\n")}`);
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(VIRTUAL_FILE);
  const kinds = file === undefined ? undefined : checker.getSymbolAtLocation(file);
  const kindsType = kinds === undefined ? undefined : checker.getExportsOfModule(kinds).find((s) => s.name === "Kinds");
  if (kindsType === undefined) throw new Error("the Kinds interface was not found");
  const declared = checker.getDeclaredTypeOfSymbol(kindsType);
  const types = new Map<string, ts.Type>();
  for (const [key] of entries) {
    const property = checker.getPropertyOfType(declared, key);
    if (property === undefined) throw new Error(`Kinds has no ${key}`);
    types.set(key, checker.getTypeOfSymbol(property));
  }
  return { checker, types };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The object-like members of a type (a union is split; undefined and null are dropped). */
function objectMembers(type: ts.Type): ts.Type[] {
  const members = type.isUnion() ? type.types : [type];
  return members.filter((t) => (t.flags & ts.TypeFlags.Object) !== 0 || (t.flags & ts.TypeFlags.Intersection) !== 0);
}

function walk(fc: FieldChecker, value: unknown, type: ts.Type, at: string, unknown: string[]): void {
  const { checker } = fc;
  if (Array.isArray(value)) {
    const element = objectMembers(type)
      .map((t) => checker.getIndexInfoOfType(t, ts.IndexKind.Number)?.type)
      .find((t) => t !== undefined);
    if (element === undefined) return;
    value.forEach((item, i) => walk(fc, item, checker.getNonNullableType(element), `${at}[${i}]`, unknown));
    return;
  }
  if (!isPlainObject(value)) return;
  const candidates = objectMembers(type);
  if (candidates.length === 0) return;
  for (const [key, child] of Object.entries(value)) {
    let childType: ts.Type | undefined;
    for (const candidate of candidates) {
      const property = checker.getPropertyOfType(candidate, key);
      if (property !== undefined) {
        childType = checker.getTypeOfSymbol(property);
        break;
      }
      const index = checker.getIndexInfoOfType(candidate, ts.IndexKind.String);
      if (index !== undefined) {
        childType = index.type;
        break;
      }
    }
    const where = at === "" ? key : `${at}.${key}`;
    if (childType === undefined) unknown.push(where);
    else walk(fc, child, checker.getNonNullableType(childType), where, unknown);
  }
}

/** Field paths of `object` that its kind does not have (e.g. "spec.template.spec.securityContext.readOnlyRootFilesystem"). */
export function unknownFields(object: KubeObject): string[] {
  fieldChecker ??= loadFieldChecker();
  const type = fieldChecker.types.get(kindKey(object));
  if (type === undefined) throw new Error(`no type declaration for ${kindKey(object)}`);
  const found: string[] = [];
  walk(fieldChecker, object, type, "", found);
  return found;
}

// ---- SecurityContextConstraints ----------------------------------------------------------------------------------

/** A list the CRD marks nullable: null, or the items. */
const nullableList = <T extends z.ZodType>(item: T) => z.array(item).nullable();
const idRange = z.strictObject({ min: z.int().optional(), max: z.int().optional() });
/** Volume plugin names (FSType in openshift/api security/v1/types.go). */
const FS_TYPES = [
  "azureFile",
  "azureDisk",
  "flocker",
  "flexVolume",
  "hostPath",
  "emptyDir",
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "gitRepo",
  "secret",
  "nfs",
  "iscsi",
  "glusterfs",
  "persistentVolumeClaim",
  "rbd",
  "cinder",
  "cephFS",
  "downwardAPI",
  "fc",
  "configMap",
  "vsphere",
  "quobyte",
  "photonPersistentDisk",
  "projected",
  "portworxVolume",
  "scaleIO",
  "storageOS",
  "csi",
  "ephemeral",
  "*",
  "none",
] as const;

/** securitycontextconstraints.security.openshift.io/v1: required fields as the CRD lists them; nullable ones as it marks them. */
export const sccSchema = z.strictObject({
  apiVersion: z.literal("security.openshift.io/v1"),
  kind: z.literal("SecurityContextConstraints"),
  metadata: z.strictObject({
    name: z.string().min(1),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  priority: z.int().nullable(),
  allowPrivilegedContainer: z.boolean(),
  defaultAddCapabilities: nullableList(z.string()),
  requiredDropCapabilities: nullableList(z.string()),
  allowedCapabilities: nullableList(z.string()),
  allowHostDirVolumePlugin: z.boolean(),
  volumes: nullableList(z.enum(FS_TYPES)),
  allowedFlexVolumes: nullableList(z.strictObject({ driver: z.string() })).optional(),
  allowHostNetwork: z.boolean(),
  allowHostPorts: z.boolean(),
  allowHostPID: z.boolean(),
  allowHostIPC: z.boolean(),
  defaultAllowPrivilegeEscalation: z.boolean().nullable().optional(),
  allowPrivilegeEscalation: z.boolean().nullable().optional(),
  seLinuxContext: z
    .strictObject({
      type: z.enum(["MustRunAs", "RunAsAny"]).optional(),
      seLinuxOptions: z
        .strictObject({ user: z.string().optional(), role: z.string().optional(), type: z.string().optional(), level: z.string().optional() })
        .optional(),
    })
    .nullable()
    .optional(),
  runAsUser: z
    .strictObject({
      type: z.enum(["MustRunAs", "MustRunAsRange", "MustRunAsNonRoot", "RunAsAny"]).optional(),
      uid: z.int().optional(),
      uidRangeMin: z.int().optional(),
      uidRangeMax: z.int().optional(),
    })
    .nullable()
    .optional(),
  supplementalGroups: z
    .strictObject({ type: z.enum(["MustRunAs", "RunAsAny"]).optional(), ranges: z.array(idRange).optional() })
    .nullable()
    .optional(),
  fsGroup: z
    .strictObject({ type: z.enum(["MustRunAs", "RunAsAny"]).optional(), ranges: z.array(idRange).optional() })
    .nullable()
    .optional(),
  readOnlyRootFilesystem: z.boolean(),
  users: nullableList(z.string()).optional(),
  groups: nullableList(z.string()).optional(),
  seccompProfiles: nullableList(z.string()).optional(),
  allowedUnsafeSysctls: nullableList(z.string()).optional(),
  forbiddenSysctls: nullableList(z.string()).optional(),
});
export type SecurityContextConstraints = z.infer<typeof sccSchema>;

// ---- all together --------------------------------------------------------------------------------------------------

/** Every problem with one object, as lines naming the object; empty when it is valid. */
export function schemaProblems(object: KubeObject): string[] {
  const name = `${object.kind} ${object.metadata.name}`;
  const key = kindKey(object);
  if (key === SCC_KIND) {
    const parsed = sccSchema.safeParse(object);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${name}: ${i.path.join(".")}: ${i.message}`);
  }
  const entry = KINDS[key];
  if (entry === undefined) return [`${name}: kind ${key} is not one this test knows; add its schema to test/deploy/kubernetes/schemas.ts`];
  const problems: string[] = [];
  try {
    entry.validate(object);
  } catch (err) {
    problems.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
  for (const field of unknownFields(object)) problems.push(`${name}: unknown field ${field}`);
  return problems;
}
