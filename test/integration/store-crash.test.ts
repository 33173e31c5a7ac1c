/** Killing the agent mid-write leaves the store readable, with every snapshot it said it wrote. */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SnapshotStore } from "../../server/store/snapshot-store";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-crash-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Runs the writer for `ms`, kills it with SIGKILL, and returns the ids it reported committed. */
async function writeThenKill(ms: number): Promise<string[]> {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve(import.meta.dirname, "helpers/store-writer.ts"), dataDir], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  // Wait for the first commit, then let it write for `ms` before the kill.
  const started = Date.now();
  while (!out.includes("\n") && Date.now() - started < 30_000 && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, ms));
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
  return out.split("\n").filter((l) => l.length > 0);
}

describe("a kill in the middle of writing", () => {
  it.each([120, 250, 400, 650, 900])("after %i ms of writes, the store opens sound with every reported snapshot", async (ms) => {
    const reported = await writeThenKill(ms);
    expect(reported.length).toBeGreaterThan(0);
    const store = SnapshotStore.open(dataDir);
    try {
      expect(store.integrity()).toBe("ok");
      const stored = new Set(store.list().map((s) => s.id));
      for (const id of reported) expect(stored.has(id)).toBe(true);
      // Every stored snapshot decodes completely: no half-written one is visible.
      for (const id of stored) expect(store.get(id)?.netns.length).toBeGreaterThan(0);
      const last = reported.at(-1) ?? "";
      expect(store.get(last)?.id).toBe(last);
    } finally {
      store.close();
    }
  });
});
