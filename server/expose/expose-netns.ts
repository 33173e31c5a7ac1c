import { closeSync, mkdirSync, openSync, statSync, unlinkSync } from "node:fs";
import { exposeNameSchema, type Exposure } from "../contract/expose";
import { containerRefSchema, k8sNamespaceSchema, podNameSchema } from "../contract/lookups";
import type { Netns, Snapshot } from "../contract/snapshot";
import { GONE, hasErrnoCode, logUnexpected } from "../log/failures";
import { errorFields, logger } from "../log/logger";
import { findContainer, findPod } from "../lookups/find-owner";
import type { SnapshotStore } from "../store/snapshot-store";
import { bindMount, MountError, unmount } from "./bind-mount";

/** Where `ip netns` looks. */
const NETNS_DIR = "/run/netns";
/** umount2(2) on something that is not a mount point. */
const EINVAL = 22;

/** A refusal with words for the person who asked; `status` is the HTTP status it maps to. */
export class ExposeError extends Error {
  override readonly name = "ExposeError";

  constructor(
    message: string,
    readonly status: 400 | 403 | 404 | 409 | 500,
  ) {
    super(message);
  }
}

type Target = { netns: Netns; defaultName: string };

/** `container:<ref>`, `pod:<ns>/<name>` or `netns:<inode>` → the namespace, from the snapshot. */
function resolveTarget(snapshot: Snapshot, target: string): Target {
  const [kind = "", ...restParts] = target.split(":");
  const rest = restParts.join(":");
  if (kind === "container") {
    const ref = containerRefSchema.safeParse(rest);
    if (!ref.success) throw new ExposeError(`"${rest}" is not a container name or id`, 400);
    const found = findContainer(snapshot, ref.data);
    const netns = found?.netns[0];
    if (found === undefined || netns === undefined) throw new ExposeError(`no running container named or with id ${ref.data}`, 404);
    return { netns, defaultName: found.container?.name ?? found.owner.name };
  }
  if (kind === "pod") {
    const [ns = "", name = ""] = rest.split("/");
    const namespace = k8sNamespaceSchema.safeParse(ns);
    const podName = podNameSchema.safeParse(name);
    if (!namespace.success || !podName.success) throw new ExposeError(`"${rest}" is not a pod (namespace/name)`, 400);
    const netns = findPod(snapshot, namespace.data, podName.data)?.netns[0];
    if (netns === undefined) throw new ExposeError(`no pod ${namespace.data}/${podName.data} runs on this node`, 404);
    return { netns, defaultName: `${namespace.data}_${podName.data}` };
  }
  if (kind === "netns" && /^\d{1,20}$/.test(rest)) {
    const netns = snapshot.netns.find((n) => n.id === rest);
    if (netns === undefined) throw new ExposeError(`no network namespace ${rest} on this node`, 404);
    return { netns, defaultName: `netns-${rest}` };
  }
  throw new ExposeError(`"${target}" is not container:<name>, pod:<namespace>/<name> or netns:<inode>`, 400);
}

const inodeOf = (p: string) => String(statSync(p, { bigint: true }).ino);

/** A path that holds the namespace now: a process's /proc/PID/ns/net (checked against the inode) or its bind mount. */
function sourceFor(netns: Netns): string {
  const candidates = [
    ...netns.refs.flatMap((r) => (r.kind === "process" && r.pid !== undefined ? [`/proc/${r.pid}/ns/net`] : [])),
    ...netns.refs.flatMap((r) => (r.kind === "bind-mount" && r.path !== undefined && r.mountNamespace === undefined ? [r.path] : [])),
  ];
  for (const candidate of candidates) {
    try {
      // The PID may have exited and been reused since the snapshot: only the same inode will do.
      if (inodeOf(candidate) === netns.id) return candidate;
    } catch (err) {
      // The process exited or the mount went (ENOENT/ESRCH): try the next. Anything else is said, then the next is tried too.
      if (!hasErrnoCode(err, GONE)) logUnexpected("checking a source to expose a namespace from", err, { netnsId: netns.id, path: candidate });
    }
  }
  throw new ExposeError(`namespace ${netns.id} has no process or mount left to bind from`, 409);
}

/**
 * Makes a namespace visible to `ip netns` as /run/netns/<name> (a bind mount, which outlives the
 * process and never points at a reused PID's namespace). Never replaces an existing name.
 */
export function exposeNetns(store: SnapshotStore, snapshot: Snapshot, request: { target: string; name?: string }, who: string, dir = NETNS_DIR): Exposure {
  const { netns, defaultName } = resolveTarget(snapshot, request.target);
  if (netns.isHost) throw new ExposeError("that is the host's own namespace: `ip netns` needs no name for it", 400);
  const name = exposeNameSchema.safeParse(request.name ?? defaultName.replace(/[^A-Za-z0-9_.-]/g, "_"));
  if (!name.success || name.data === "." || name.data === "..")
    throw new ExposeError(`"${request.name ?? defaultName}" cannot be an ip netns name: ${name.error?.issues[0]?.message ?? "reserved"}`, 400);
  const source = sourceFor(netns);
  const target = `${dir}/${name.data}`;
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  try {
    // O_EXCL: an existing name (file, mount or symlink) is never replaced.
    closeSync(openSync(target, "wx", 0o444));
  } catch (err) {
    if (hasErrnoCode(err, ["EEXIST"])) throw new ExposeError(`${target} already exists: choose another name`, 409);
    throw err;
  }
  try {
    bindMount(source, target);
    if (inodeOf(target) !== netns.id) throw new Error(`the mount at ${target} does not hold namespace ${netns.id}`);
  } catch (err) {
    removeHalfMade(target);
    throw new ExposeError(`could not bind ${source} at ${target}: ${err instanceof MountError ? `${err.call} errno ${err.errno}` : String(err)}`, 500);
  }
  const createdAt = Date.now();
  store.addExposure({ name: name.data, netnsId: netns.id, target: request.target, createdAt, who });
  return { name: name.data, netnsId: netns.id, target: request.target, path: target, createdAt: new Date(createdAt).toISOString(), who, isMounted: true };
}

/**
 * Takes back what a failed expose left at `target`: its mount, if it was made, and the file. A failure
 * here leaves something on the host that nobody records: logged at error, never hiding the first failure.
 */
function removeHalfMade(target: string): void {
  try {
    unmount(target);
  } catch (err) {
    // EINVAL: not a mount point, the bind never happened. Anything else may leave a mount behind.
    if (!(err instanceof MountError && err.errno === EINVAL))
      logger().error({ path: target, err: errorFields(err) }, "expose: could not unmount after a failed bind");
  }
  try {
    unlinkSync(target);
  } catch (err) {
    logger().error({ path: target, err: errorFields(err) }, "expose: could not remove the file after a failed bind");
  }
}

/** Undoes an exposure this agent made; a name it did not make is refused, never touched. */
export function unexposeNetns(store: SnapshotStore, name: string, dir = NETNS_DIR): void {
  const record = store.exposures().find((e) => e.name === name);
  if (record === undefined) throw new ExposeError(`${`${dir}/${name}`} was not exposed by nsatlas: it is left alone`, 404);
  const target = `${dir}/${name}`;
  try {
    unmount(target);
  } catch (err) {
    // Already unmounted by hand (EINVAL) is fine; anything else is reported.
    if (!(err instanceof MountError && err.errno === EINVAL)) throw new ExposeError(`could not unmount ${target}: ${String(err)}`, 500);
  }
  try {
    unlinkSync(target);
  } catch (err) {
    if (!hasErrnoCode(err, ["ENOENT"])) throw err; // already removed by hand: fine
  }
  store.removeExposure(name);
}

export function listExposures(store: SnapshotStore, dir = NETNS_DIR): Exposure[] {
  return store.exposures().map((e) => {
    const p = `${dir}/${e.name}`;
    let isMounted = false;
    try {
      isMounted = inodeOf(p) === e.netnsId;
    } catch (err) {
      // Removed by hand (ENOENT): not mounted, and the list says so. Anything else is said as well.
      if (!hasErrnoCode(err, ["ENOENT"])) logUnexpected("checking an exposed namespace", err, { path: p });
    }
    return { name: e.name, netnsId: e.netnsId, target: e.target, path: p, createdAt: new Date(e.createdAt).toISOString(), who: e.who, isMounted };
  });
}
