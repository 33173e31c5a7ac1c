import type { RuntimeName, Workload } from "./workload";

export type { RuntimeName };

/** What every engine adapter answers. Vendor types stay inside the adapter. */
export interface EngineVersion {
  /** Which engine actually answered (a CRI socket may turn out to be CRI-O). */
  name: RuntimeName;
  version: string;
}

/** One container engine endpoint. */
export interface RuntimeAdapter {
  /** The engine this endpoint is expected to be, before it answers. */
  readonly name: RuntimeName;
  /** Socket path, e.g. /var/run/docker.sock. */
  readonly endpoint: string;
  /** Asks the engine for its version; must honour `signal`. */
  version(signal: AbortSignal): Promise<EngineVersion>;
  /** Every running container and pod sandbox; must honour `signal`. */
  listWorkloads(signal: AbortSignal): Promise<Workload[]>;
  /** Releases connections; safe to call more than once. */
  close(): void;
}

/** Thrown by an adapter whose endpoint answers, but as another engine than the one configured there. */
export class EngineMismatchError extends Error {
  constructor(
    readonly expected: RuntimeName,
    found: string,
  ) {
    super(`expected ${expected}, found ${found}`);
    this.name = "EngineMismatchError";
  }
}
