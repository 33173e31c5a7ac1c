/**
 * A one-shot command's read-ahead (server/snapshot/read-ahead.ts): the agent core's first snapshot is the
 * reading the read-ahead started, discovered before the namespace the test makes next; the second reads anew.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { createAgent } from "../../server/agent/create-agent";
import { parseConfig } from "../../server/config";
import type { Snapshot } from "../../server/contract/snapshot";
import { ReadAhead } from "../../server/snapshot/read-ahead";
import { labConfig } from "../lab/lab-config";
import { run, tryRun } from "../lab/sh";

const name = `${labConfig().prefix}-ra${process.pid % 10000}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-read-ahead-"));

afterAll(() => {
  tryRun("ip", ["netns", "del", name]);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const hasTestNetns = (snapshot: Snapshot) => snapshot.netns.some((n) => n.refs.some((r) => r.kind === "bind-mount" && r.path === `/run/netns/${name}`));

it("the first snapshot takes the reading under way, the next one reads the node anew", async () => {
  const config = { ...parseConfig({ NSATLAS_DATA_DIR: dataDir }), watchChanges: false };
  const readAhead = new ReadAhead(config);
  // Discovery ran in the constructor: a namespace made now is not in the reading.
  run("ip", ["netns", "add", name]);
  const agent = createAgent(config, { readAhead });
  try {
    const first = await agent.snapshot(undefined, { fresh: true });
    const second = await agent.snapshot(undefined, { fresh: true });
    expect(first.netns.length).toBeGreaterThan(0);
    expect(hasTestNetns(first)).toBe(false);
    expect(hasTestNetns(second)).toBe(true);
    expect(agent.service.scans).toBe(2);
    expect(readAhead.take()).toBeUndefined();
  } finally {
    agent.close();
  }
});
