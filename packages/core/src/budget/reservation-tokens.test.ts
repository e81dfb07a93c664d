import { describe, expect, it } from "vitest";
import { reservationTokens } from "./reservation-tokens.js";

describe("reservationTokens", () => {
  it("holds the prompt bound plus the output limit", () => {
    expect(reservationTokens({ promptTokens: 120, outputTokens: 1 })).toBe(121);
  });

  it("never holds more than the context window", () => {
    expect(reservationTokens({ promptTokens: 4000, outputTokens: 1000, contextTokens: 2048 })).toBe(2048);
    expect(reservationTokens({ promptTokens: 40, outputTokens: 10, contextTokens: 2048 })).toBe(50);
  });

  it("rounds fractions up", () => {
    expect(reservationTokens({ promptTokens: 1.2, outputTokens: 1.1 })).toBe(4);
  });
});
