import type { ChangeEvent } from "../contract/events";
import type { Snapshot } from "../contract/snapshot";
import { netnsBody } from "../snapshot/netns-body";

export type ChangeListener = (event: ChangeEvent) => void;

/** How many events are kept for `Last-Event-ID` resume; an older id gets a resync. */
export const REPLAY_EVENTS = 256;

/**
 * Turns the stream of snapshots (whoever asked for them) into change events: which namespaces were
 * added, removed or changed since the previous snapshot, numbered, kept for replay, handed to listeners.
 */
export class ChangeFeed {
  private bodies = new Map<string, string>();
  private hasBaseline = false;
  private seq = 0;
  /** A resume from this number or below cannot be trusted: changes went unobserved after it (see pause). */
  private resyncAtOrBelow = -1;
  private readonly replay: ChangeEvent[] = [];
  private readonly listeners = new Set<ChangeListener>();

  /** Compares a new snapshot with the previous one; emits an event when the network changed (to listeners, and into the replay). */
  observe(snapshot: Snapshot): ChangeEvent | undefined {
    const bodies = new Map<string, string>();
    for (const n of snapshot.netns) bodies.set(n.id, JSON.stringify(netnsBody(n)));
    const before = this.bodies;
    this.bodies = bodies;
    if (!this.hasBaseline) {
      this.hasBaseline = true;
      return undefined;
    }
    const added: string[] = [];
    const changed: string[] = [];
    for (const [id, body] of bodies) {
      const old = before.get(id);
      if (old === undefined) added.push(id);
      else if (old !== body) changed.push(id);
    }
    const removed: string[] = [];
    for (const id of before.keys()) if (!bodies.has(id)) removed.push(id);
    if (added.length + removed.length + changed.length === 0) return undefined;
    const event: ChangeEvent = { seq: ++this.seq, snapshotId: snapshot.id, takenAt: snapshot.takenAt, node: snapshot.node.name, added, removed, changed };
    this.replay.push(event);
    if (this.replay.length > REPLAY_EVENTS) this.replay.shift();
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** The newest event's number (0 before any). */
  get lastSeq(): number {
    return this.seq;
  }

  /**
   * Stops comparing (nobody listens: comparing costs a serialisation of every namespace per scan). The
   * next snapshot observed becomes the new baseline, and a client resuming from before now is told to
   * resync, since what changed in between was not seen.
   */
  pause(): void {
    this.bodies = new Map();
    this.hasBaseline = false;
    this.replay.length = 0;
    this.resyncAtOrBelow = this.seq;
  }

  /** The events after `seq`, or undefined when some of them are no longer kept (the client must resync). */
  since(seq: number): ChangeEvent[] | undefined {
    if (seq <= this.resyncAtOrBelow) return undefined;
    if (seq >= this.seq) return seq > this.seq ? undefined : [];
    const first = this.replay[0];
    if (first === undefined || first.seq > seq + 1) return undefined;
    return this.replay.filter((e) => e.seq > seq);
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }
}
