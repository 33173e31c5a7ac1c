/**
 * Turns the NSATLAS_AGENTS entries into the agents' base URLs, and keeps them current: a `dns:<name>:<port>` entry is
 * looked up (dns.lookup, all A/AAAA records, as the system resolver answers: a headless Service) at start and every
 * 15 s. A name that no longer exists (ENOTFOUND, no records) gives no address: the agents behind it are gone. A
 * failed lookup of another kind (the resolver down, a timeout) keeps the previous addresses and says why. Nothing here
 * throws: each entry's latest error is in sources().
 */
import dns from "node:dns/promises";
import type { AgentSource } from "../contract/cluster";
import type { AgentEntry } from "./parse-agents";

export const RESOLVE_INTERVAL_MS = 15_000;
/** A lookup that takes longer is abandoned (getaddrinfo has no deadline of its own). */
const LOOKUP_TIMEOUT_MS = 5000;

export interface Endpoint {
  /** The agent's base URL, `http://10.0.0.5:7471`. */
  url: string;
  /** The entry it came from. */
  source: string;
}

/** Every address of `name`, IPv4 and IPv6. */
export type Lookup = (name: string) => Promise<string[]>;

export const systemLookup: Lookup = async (name) => (await dns.lookup(name, { all: true, verbatim: true })).map((a) => a.address);

/** Errors that mean "this name has no addresses", not "the resolver failed". */
const NO_SUCH_NAME = new Set(["ENOTFOUND", "ENODATA", "EAI_NONAME", "EAI_NODATA"]);

function errorCode(err: unknown): string {
  if (typeof err === "object" && err !== null && "code" in err && typeof err.code === "string") return err.code;
  return err instanceof Error ? err.message : String(err);
}

function urlOf(address: string, port: number): string {
  return `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
}

interface SourceState {
  entry: AgentEntry;
  addresses: string[];
  resolvedAt: number | undefined;
  error: string | undefined;
  isResolving: boolean;
}

export interface DirectoryOptions {
  lookup?: Lookup;
  intervalMs?: number;
  lookupTimeoutMs?: number;
}

export class AgentDirectory {
  private readonly states: SourceState[];
  private timer: NodeJS.Timeout | undefined;
  private isClosed = false;
  private readonly lookup: Lookup;
  private readonly lookupTimeoutMs: number;
  /** Set once every entry has been resolved once (successfully or not). */
  isResolved = false;

  constructor(
    entries: readonly AgentEntry[],
    /** Called with every endpoint after each round that changed them. */
    private readonly onChange: (endpoints: Endpoint[]) => void,
    private readonly options: DirectoryOptions = {},
  ) {
    this.lookup = options.lookup ?? systemLookup;
    this.lookupTimeoutMs = options.lookupTimeoutMs ?? LOOKUP_TIMEOUT_MS;
    this.states = entries.map((entry) => ({
      entry,
      addresses: entry.kind === "static" ? [entry.url] : [],
      resolvedAt: undefined,
      error: undefined,
      isResolving: false,
    }));
  }

  /** Resolves every entry now and then every interval; resolves when the first round is done. */
  async start(): Promise<void> {
    await this.round();
    this.isResolved = true;
    if (this.isClosed) return;
    this.timer = setInterval(() => void this.round(), this.options.intervalMs ?? RESOLVE_INTERVAL_MS);
    this.timer.unref();
  }

  close(): void {
    this.isClosed = true;
    clearInterval(this.timer);
  }

  endpoints(): Endpoint[] {
    const seen = new Set<string>();
    const list: Endpoint[] = [];
    for (const s of this.states) {
      for (const url of s.addresses) {
        if (seen.has(url)) continue;
        seen.add(url);
        list.push({ url, source: s.entry.entry });
      }
    }
    return list;
  }

  sources(): AgentSource[] {
    return this.states.map((s) => ({
      entry: s.entry.entry,
      kind: s.entry.kind,
      addresses: [...s.addresses],
      resolvedAt: s.resolvedAt === undefined ? null : new Date(s.resolvedAt).toISOString(),
      ...(s.error === undefined ? {} : { error: s.error }),
    }));
  }

  /** One lookup of every dns: entry (one at a time per entry); reports the endpoints when they changed. */
  async round(): Promise<void> {
    const before = JSON.stringify(this.endpoints());
    await Promise.all(this.states.map((s) => this.resolve(s)));
    if (this.isClosed) return;
    const after = this.endpoints();
    if (JSON.stringify(after) !== before || !this.isResolved) this.onChange(after);
  }

  private async resolve(state: SourceState): Promise<void> {
    const { entry } = state;
    if (entry.kind !== "dns" || state.isResolving) return;
    state.isResolving = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error("timeout"), { code: "ETIMEOUT" })), this.lookupTimeoutMs);
      });
      const found = await Promise.race([this.lookup(entry.name), deadline]);
      const unique = [...new Set(found)].sort();
      state.addresses = unique.map((a) => urlOf(a, entry.port));
      state.error = unique.length === 0 ? `${entry.name} has no A or AAAA record` : undefined;
    } catch (err) {
      const code = errorCode(err);
      if (NO_SUCH_NAME.has(code)) {
        state.addresses = [];
        state.error = `${entry.name} does not resolve (${code})`;
      } else {
        // The resolver failed, not the name: keep following what it said last.
        state.error = `looking up ${entry.name} failed (${code}); keeping the ${state.addresses.length} address(es) it had`;
      }
    } finally {
      clearTimeout(timer);
      state.resolvedAt = Date.now();
      state.isResolving = false;
    }
  }
}
