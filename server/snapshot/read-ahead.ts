/**
 * A one-shot command's reading of the node, started before the rest of the command loads: the reader thread
 * reads the namespaces while this thread loads the agent core and the engines' clients (~150 ms of modules),
 * rather than after. The agent core's first snapshot takes the reading (SnapshotService); later ones read anew.
 * Kept light on purpose: what it imports loads before the reading can start.
 */
import { NetnsReader } from "../collect/netns-reader";
import type { Config } from "../config";
import { FdScanner } from "../discover/fd-scan";
import { readNamespaces, type NamespacesRead } from "./read-namespaces";

export class ReadAhead {
  /** Without the change watch: a one-shot command reads every namespace in full once. */
  readonly reader = new NetnsReader(undefined, { watchChanges: false });
  private reading: Promise<NamespacesRead> | undefined;

  constructor(config: Pick<Config, "scanFds" | "fdScanIntervalMs">) {
    this.reader.start();
    this.reading = readNamespaces(this.reader, { fdScanner: config.scanFds ? new FdScanner(config.fdScanIntervalMs) : undefined });
    // Whoever takes the reading hears how it failed; a command that fails before taking it leaves no unhandled rejection.
    this.reading.catch(() => undefined);
  }

  /** The reading, to the first caller only. */
  take(): Promise<NamespacesRead> | undefined {
    const reading = this.reading;
    this.reading = undefined;
    return reading;
  }

  close(): void {
    this.reader.close();
  }
}
