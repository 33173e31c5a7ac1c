/** The little-endian reads and writes (little-endian.ts) against Buffer's own, at every offset of answers recorded from the lab. */
import { describe, expect, it } from "vitest";
import { putU32le, s32le, u16le, u32le } from "../../../server/collect/little-endian";
import { loadReading } from "./fixtures";

const NAMES = ["ip_netns_lab_a", "docker_lab_mac", "docker_lab_multi"];

describe("little-endian", () => {
  for (const name of NAMES) {
    it(`read what Buffer reads at every offset of ${name}'s answers`, () => {
      const { result } = loadReading(name);
      const answers = [...result.answers, result.hostIdHere];
      expect(answers.every((a) => a.length > 0)).toBe(true);
      let checked = 0;
      for (const a of answers) {
        for (let at = 0; at + 4 <= a.length; at++) {
          expect(u16le(a, at)).toBe(a.readUInt16LE(at));
          expect(u32le(a, at)).toBe(a.readUInt32LE(at));
          expect(s32le(a, at)).toBe(a.readInt32LE(at));
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(1_000);
    });
  }

  it("read the top bit as Buffer does: unsigned above 2^31, negative when signed", () => {
    const bytes = Buffer.from(loadReading("ip_netns_lab_a").result.answers[0]);
    // A recorded link dump's first message, its length field set to the largest u32 and its flags to -2.
    bytes.writeUInt32LE(0xffff_ffff, 0);
    bytes.writeInt32LE(-2, 4);
    expect(u32le(bytes, 0)).toBe(0xffff_ffff);
    expect(s32le(bytes, 0)).toBe(-1);
    expect(s32le(bytes, 4)).toBe(-2);
    expect(u16le(bytes, 6)).toBe(0xffff);
  });

  it("write what Buffer#writeUInt32LE writes, at every offset of a recorded answer", () => {
    const { result } = loadReading("docker_lab_multi");
    const answer = result.answers[2];
    expect(answer.length).toBeGreaterThan(100);
    for (let at = 0; at + 4 <= answer.length; at++) {
      const value = answer.readUInt32LE(answer.length - 4 - at);
      const ours = Buffer.from(answer);
      const buffers = Buffer.from(answer);
      putU32le(ours, at, value);
      buffers.writeUInt32LE(value, at);
      expect(ours.equals(buffers)).toBe(true);
    }
  });
});
