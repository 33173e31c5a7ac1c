import { describe, expect, it } from "vitest";
import { releaseFreedNativeMemory } from "../../../server/agent/native-heap";

describe("releaseFreedNativeMemory", () => {
  it("gives the allocator's free memory back as often as it is called, without throwing", () => {
    expect(() => {
      releaseFreedNativeMemory();
      releaseFreedNativeMemory();
    }).not.toThrow();
  });
});
