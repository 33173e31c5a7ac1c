import { describe, expect, it } from "vitest";
import { FAILURE_LIMIT, noteAuthFailure, retryAfterSeconds } from "../../../../server/http/front/auth-throttle";

describe("the failed-authentication throttle", () => {
  it("holds a client after the limit, for as long as its failures stay within the minute", () => {
    const client = "198.51.100.7";
    for (let i = 0; i < FAILURE_LIMIT - 1; i++) noteAuthFailure(client, 1000 + i);
    expect(retryAfterSeconds(client, 1100)).toBeUndefined();
    noteAuthFailure(client, 1500);
    expect(retryAfterSeconds(client, 2000)).toBe(59);
    expect(retryAfterSeconds(client, 60_500)).toBe(1);
    expect(retryAfterSeconds(client, 61_000)).toBeUndefined();
  });

  it("keys on the client: another address is not held", () => {
    for (let i = 0; i < FAILURE_LIMIT; i++) noteAuthFailure("198.51.100.20", 5000);
    expect(retryAfterSeconds("198.51.100.20", 5001)).toBeGreaterThan(0);
    expect(retryAfterSeconds("198.51.100.21", 5001)).toBeUndefined();
  });
});
