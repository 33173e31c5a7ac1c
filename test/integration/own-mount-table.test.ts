/**
 * The agent's own mount table is read again only when the kernel says it changed: checked with real
 * mounts (`ip netns add` bind-mounts the namespace under /run/netns) against a fresh reading.
 */
import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { parseNsfsMounts } from "../../server/discover/mountinfo";
import { OwnMountTable } from "../../server/discover/own-mount-table";
import { labConfig } from "../lab/lab-config";
import { run, tryRun } from "../lab/sh";

const name = `${labConfig().prefix}-omt${process.pid % 10000}`;
const mountPoint = `/run/netns/${name}`;
const table = new OwnMountTable();

const freshReading = () => parseNsfsMounts(fs.readFileSync("/proc/self/mountinfo", "utf8"));

afterEach(() => {
  tryRun("ip", ["netns", "del", name]);
  table.close();
});

describe("the own mount table", () => {
  it("answers from its last reading while nothing is mounted or unmounted", () => {
    const first = table.nsfsMounts();
    expect(first.length).toBeGreaterThan(0);
    expect(first).toEqual(freshReading());
    // Other tests mount in parallel: one quiet pair of calls is enough to show the reading is kept.
    const isKept = Array.from({ length: 5 }, () => table.nsfsMounts() === table.nsfsMounts()).some(Boolean);
    expect(isKept).toBe(true);
  });

  it("reads again after a namespace is mounted and after it is unmounted", () => {
    const before = table.nsfsMounts();
    expect(before.map((m) => m.mountPoint)).not.toContain(mountPoint);

    run("ip", ["netns", "add", name]);
    const inode = String(fs.statSync(mountPoint).ino);
    const mounted = table.nsfsMounts();
    expect(mounted).not.toBe(before);
    expect(mounted).toContainEqual({ mountPoint, inode });

    run("ip", ["netns", "del", name]);
    const unmounted = table.nsfsMounts();
    expect(unmounted.length).toBeGreaterThan(0);
    expect(unmounted.map((m) => m.mountPoint)).not.toContain(mountPoint);
  });

  it("after close(), reads the table as it is now", () => {
    table.nsfsMounts();
    table.close();
    run("ip", ["netns", "add", name]);
    expect(table.nsfsMounts().map((m) => m.mountPoint)).toContain(mountPoint);
  });
});
