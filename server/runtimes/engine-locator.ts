/**
 * The engines to ask on each pass: the sockets the settings name, and, for an engine without a setting,
 * every candidate discovery finds (server/runtimes/discover-sockets.ts), asked once per socket and
 * reported per engine. docs/api.md, "Where engines are looked for".
 */
import fs from "node:fs";
import path from "node:path";
import { makeRuntimeStatus, type EngineCandidate, type RuntimeName, type RuntimeStatus, type SocketSource } from "../contract/runtime-status";
import { logger } from "../log/logger";
import { askEngine, VERSION_CALL, type EngineAnswer, type EngineCall } from "./ask-engine";
import { classifyEngineError, type EngineFailure } from "./classify-engine-error";
import { WORKLOADS_CALL, type EngineReading, type EngineSource } from "./collect-workloads";
import { createCriRuntime } from "./cri-runtime";
import { isDiscovering, readHostView, socketCandidates, type EngineSocketSettings, type HostView, type SocketCandidate } from "./discover-sockets";
import { createDockerApiRuntime } from "./docker-runtime";
import { createPodmanRuntime } from "./podman-runtime";
import type { RuntimeAdapter } from "./runtime";

/** The candidates that turned out to be one socket: asked once, at the first. */
export interface SocketGroup {
  lead: SocketCandidate;
  /** Later candidates that are the same socket (a symlink to it; /var/run/docker.sock when /var/run is /run). */
  same: SocketCandidate[];
  /** Set when the socket is not asked: its path already shows there is no engine to ask (missing, not a socket, not reachable). */
  unasked?: EngineFailure;
}

/** What a path is: a key shared by every path to the same socket, and why no engine can answer there (when that shows). */
export interface SocketIdentity {
  key: string;
  failure?: EngineFailure;
}

/** stat(2) through symlinks: a socket is its device and inode; a missing path is its parent's real path plus its name. */
export function socketIdentity(endpoint: string): SocketIdentity {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(endpoint);
  } catch (err) {
    return { key: `path:${canonicalPath(endpoint)}`, failure: classifyEngineError(err) };
  }
  const key = `inode:${stat.dev}:${stat.ino}`;
  return stat.isSocket() ? { key } : { key, failure: { state: "absent", detail: "ENOTSOCK" } };
}

function canonicalPath(endpoint: string): string {
  try {
    return path.join(fs.realpathSync(path.dirname(endpoint)), path.basename(endpoint));
  } catch {
    return endpoint;
  }
}

const SOURCE_RANK: Record<SocketSource, number> = { setting: 0, kubelet: 1, "well-known": 2 };
/** podman before docker: a /run/docker.sock that is podman's socket (podman-docker) is podman. */
const CLAIM_RANK: Record<RuntimeName, number> = { podman: 0, "cri-o": 1, "containerd-cri": 2, docker: 3 };

/**
 * Groups the candidates by socket. Each setting is asked as it is, every time (even twice, when two
 * settings name one socket). A discovered candidate joins the first group at its socket, in order of
 * source (setting, kubelet, well-known), then engine; one whose path shows no engine can answer is not
 * asked. Groups come back in the candidates' order.
 */
export function groupBySocket(candidates: SocketCandidate[], identify: (endpoint: string) => SocketIdentity = socketIdentity): SocketGroup[] {
  const claimOrder = candidates
    .map((candidate, index) => ({ candidate, index }))
    .sort(
      (a, b) =>
        SOURCE_RANK[a.candidate.source] - SOURCE_RANK[b.candidate.source] || CLAIM_RANK[a.candidate.name] - CLAIM_RANK[b.candidate.name] || a.index - b.index,
    );
  const byKey = new Map<string, SocketGroup>();
  const groups: Array<{ group: SocketGroup; index: number }> = [];
  for (const { candidate, index } of claimOrder) {
    const identity = identify(candidate.endpoint);
    const existing = byKey.get(identity.key);
    if (candidate.source !== "setting" && existing !== undefined) {
      existing.same.push(candidate);
      continue;
    }
    const group: SocketGroup = {
      lead: candidate,
      same: [],
      ...(candidate.source !== "setting" && identity.failure !== undefined ? { unasked: identity.failure } : {}),
    };
    groups.push({ group, index });
    if (existing === undefined) byKey.set(identity.key, group);
  }
  return groups.sort((a, b) => a.index - b.index).map((g) => g.group);
}

/**
 * One status per engine endpoint, in the candidates' order. A setting's socket is reported as it is.
 * A discovered engine is reported once per socket that answers now or answered earlier in this agent's
 * life (`answeredBefore`: the EngineWatch turns those into "stopped"); when there is none, once: at the
 * first socket that exists, else at its first candidate. Each discovered entry lists every candidate
 * tried for that engine.
 */
export function reportGroups(
  groups: SocketGroup[],
  statusOf: (group: SocketGroup) => RuntimeStatus,
  answeredBefore: (endpoint: string) => boolean,
): RuntimeStatus[] {
  const report: RuntimeStatus[] = [];
  const reported = new Set<RuntimeName>();
  for (const group of groups) {
    if (group.lead.source === "setting") {
      report.push({ ...statusOf(group), source: "setting" });
      continue;
    }
    const engine = group.lead.name;
    if (reported.has(engine)) continue;
    reported.add(engine);
    const ofEngine = groups.filter((g) => g.lead.source !== "setting" && g.lead.name === engine);
    const candidates = ofEngine.flatMap((g) => {
      const status = statusOf(g);
      const tried = (c: SocketCandidate, sameAs?: string): EngineCandidate => ({
        endpoint: c.endpoint,
        source: c.source,
        state: status.state,
        ...(status.detail === undefined ? {} : { detail: status.detail }),
        ...(sameAs === undefined ? {} : { sameAs }),
      });
      return [tried(g.lead), ...g.same.map((c) => tried(c, g.lead.endpoint))];
    });
    // Every socket that answers now or did before (one that stopped is news even while another answers).
    const known = ofEngine.filter((g) => statusOf(g).state === "ok" || answeredBefore(g.lead.endpoint));
    const chosen = known.length > 0 ? known : [ofEngine.find((g) => g.unasked === undefined) ?? group];
    for (const g of chosen) report.push({ ...statusOf(g), source: g.lead.source, candidates });
  }
  return report;
}

export interface EngineLocatorOptions {
  /** Reads the node for discovery; tests pass a fixed view. */
  hostView?: () => HostView;
  /** Identifies a path's socket; tests pass their own. */
  identify?: (endpoint: string) => SocketIdentity;
  /** The rootful paths per engine (WELL_KNOWN_SOCKETS); tests pass their own. */
  wellKnown?: Record<RuntimeName, readonly string[]>;
}

const NO_HOST: HostView = { userRuntimeDirs: [], kubelet: [] };

/**
 * The engines of one configuration, found anew on every pass (a socket that appears is asked from the
 * next pass on). Adapters live as long as their socket is a candidate, so their caches carry over.
 */
export class EngineLocator implements EngineSource {
  private readonly adapters = new Map<string, RuntimeAdapter>();

  constructor(
    private readonly config: EngineSocketSettings & { engineTimeoutMs: number },
    private readonly options: EngineLocatorOptions = {},
  ) {}

  /** Every candidate now, grouped by socket. */
  locate(): SocketGroup[] {
    const host = isDiscovering(this.config) ? (this.options.hostView ?? readHostView)() : NO_HOST;
    return groupBySocket(socketCandidates(this.config, host, this.options.wellKnown), this.options.identify);
  }

  /** Makes `call` to every socket found, concurrently, each within the deadline; never throws. */
  async ask<T>(
    call: EngineCall<T>,
    deadlineMs: number,
    answeredBefore: (endpoint: string) => boolean = () => false,
  ): Promise<{ values: T[]; runtimes: RuntimeStatus[] }> {
    const groups = this.locate();
    const inUse = new Set<string>();
    const answers = new Map<SocketGroup, EngineAnswer<T>>();
    await Promise.all(
      groups.map(async (group) => {
        if (group.unasked !== undefined) {
          answers.set(group, { value: undefined, status: unaskedStatus(group.lead, group.unasked) });
          return;
        }
        answers.set(group, await askEngine(this.adapterFor(group.lead, inUse), deadlineMs, call));
      }),
    );
    for (const [key, adapter] of this.adapters) {
      if (inUse.has(key)) continue;
      adapter.close();
      this.adapters.delete(key);
    }
    const statusOf = (group: SocketGroup): RuntimeStatus => {
      const answer = answers.get(group);
      if (answer === undefined) throw new Error(`no answer for ${group.lead.endpoint}`);
      return answer.status;
    };
    const values = groups.flatMap((g) => {
      const value = answers.get(g)?.value;
      return value === undefined ? [] : [value];
    });
    return { values, runtimes: reportGroups(groups, statusOf, answeredBefore) };
  }

  async collect(deadlineMs: number, answeredBefore: (endpoint: string) => boolean = () => false): Promise<EngineReading> {
    const { values, runtimes } = await this.ask(WORKLOADS_CALL, deadlineMs, answeredBefore);
    return { workloads: values.flat(), runtimes };
  }

  /** The health probe: a version call to every engine found. */
  async probe(deadlineMs: number): Promise<RuntimeStatus[]> {
    return (await this.ask(VERSION_CALL, deadlineMs)).runtimes;
  }

  close(): void {
    for (const adapter of this.adapters.values()) adapter.close();
    this.adapters.clear();
  }

  /** The adapter of a candidate, kept across passes; two settings naming one socket get one each. */
  private adapterFor(candidate: SocketCandidate, inUse: Set<string>): RuntimeAdapter {
    let key = `${candidate.source} ${candidate.name} ${candidate.endpoint}`;
    for (let n = 2; inUse.has(key); n++) key = `${candidate.source} ${candidate.name} ${candidate.endpoint} #${n}`;
    inUse.add(key);
    let adapter = this.adapters.get(key);
    if (adapter === undefined) {
      adapter = createAdapter(candidate, this.config.engineTimeoutMs);
      this.adapters.set(key, adapter);
    }
    return adapter;
  }
}

function createAdapter(candidate: SocketCandidate, timeoutMs: number): RuntimeAdapter {
  const socketPath = candidate.endpoint;
  switch (candidate.name) {
    case "docker":
      return createDockerApiRuntime({ name: "docker", socketPath, timeoutMs });
    case "podman":
      return createPodmanRuntime({ socketPath, timeoutMs });
    case "containerd-cri":
    case "cri-o":
      return createCriRuntime({ socketPath, timeoutMs });
  }
}

/** A discovered candidate whose path already shows no engine answers there: reported without a call (and without a warning). */
function unaskedStatus(candidate: SocketCandidate, failure: EngineFailure): RuntimeStatus {
  logger().debug({ engine: candidate.name, endpoint: candidate.endpoint, source: candidate.source, ...failure }, "engine candidate not asked");
  return makeRuntimeStatus({ name: candidate.name, endpoint: candidate.endpoint, state: failure.state, detail: failure.detail, latencyMs: 0 });
}
