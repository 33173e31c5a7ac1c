import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Snapshot } from "../../../server/contract/snapshot";
import { HistoryUnavailableError, SnapshotHistory } from "../../../server/store/snapshot-history";
import { labSnapshot } from "../../fixtures/lab-snapshot";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-history-"));
  dirs.push(d);
  return d;
};

/** Hands out the recorded lab snapshot under new ids, as the service would hand out new readings. */
function source() {
  let n = 0;
  let next: (s: Snapshot) => Snapshot = (s) => s;
  return {
    snapshotWithListeners: async () => next({ ...labSnapshot(), id: `s${++n}`, takenAt: new Date(Date.now() + n).toISOString() }),
    changeTo(f: (s: Snapshot) => Snapshot) {
      next = f;
    },
  };
}
const limits = { recordIntervalMs: 0, historyMaxAgeMs: 3_600_000, historyMaxBytes: 64 * 1024 * 1024 };

describe("SnapshotHistory", () => {
  it("records only when the network changed", async () => {
    const readings = source();
    const history = new SnapshotHistory({ dataDir: tmp(), ...limits }, readings);
    expect((await history.record())?.id).toBe("s1");
    expect(await history.record()).toBeUndefined();
    expect(history.skipped).toBe(1);
    readings.changeTo((s) => ({ ...s, netns: s.netns.slice(1) }));
    expect((await history.record())?.id).toBe("s3");
    expect(history.list().snapshots.map((s) => s.id)).toEqual(["s1", "s3"]);
    history.close();
  });

  it("freezes even when nothing changed, and reads a frozen snapshot back", async () => {
    const history = new SnapshotHistory({ dataDir: tmp(), ...limits }, source());
    await history.record();
    const frozen = await history.freeze();
    expect(frozen.origin).toBe("frozen");
    expect(history.get(frozen.id)?.netns.length).toBe(labSnapshot().netns.length);
    history.close();
  });

  it("says why when the data directory cannot be used, and recovers once it can, without a restart", async () => {
    const parent = tmp();
    const blocked = path.join(parent, "data");
    fs.writeFileSync(blocked, "not a directory");
    const history = new SnapshotHistory({ dataDir: blocked, ...limits }, source());
    const listed = history.list();
    expect(listed.isAvailable).toBe(false);
    expect(listed.error).toContain(blocked);
    await expect(history.freeze()).rejects.toBeInstanceOf(HistoryUnavailableError);

    fs.rmSync(blocked);
    const frozen = await history.freeze();
    expect(history.list()).toMatchObject({ isAvailable: true, snapshots: [{ id: frozen.id }] });
    expect(history.error).toBeUndefined();
    history.close();
  });
});
