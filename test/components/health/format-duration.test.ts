import { describe, expect, it } from "vitest";
import { formatDuration } from "../../../components/health/format-duration";

describe("formatDuration", () => {
  it.each([
    [0, "0 s"],
    [999, "0 s"],
    [40_000, "40 s"],
    [125_000, "2 min 5 s"],
    [3_600_000, "1 h"],
    [3 * 86_400_000 + 4 * 3_600_000 + 59_000, "3 d 4 h"],
    [-5, "0 s"],
  ])("%d ms → %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
