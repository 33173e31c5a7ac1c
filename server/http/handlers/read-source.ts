import type { ChangeListener } from "../../agent/change-feed";
import type { ChangeEvent } from "../../contract/events";
import type { Netns, Snapshot, SnapshotOverview, SnapshotView } from "../../contract/snapshot";

/** What the read handlers need from the agent core (the dashboard's data layer and the node agent both give it). */
export interface ReadSource {
  view(view: SnapshotView, at?: string): Promise<Snapshot | SnapshotOverview>;
  netns(id: string, at?: string): Promise<Netns | undefined>;
}

/** What the event stream needs: live changes, and the ones already sent for a resuming client. */
export interface ChangeSource {
  subscribe(listener: ChangeListener): () => void;
  /** The events after `seq`, or undefined when they are no longer kept. */
  since(seq: number): ChangeEvent[] | undefined;
  /** The newest event's number (0 before any). */
  lastSeq(): number;
}
