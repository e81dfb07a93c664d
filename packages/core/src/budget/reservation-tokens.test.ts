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

  it("holds the output limit once per choice, the prompt once (n choices share it)", () => {
    expect(reservationTokens({ promptTokens: 100, outputTokens: 50, choices: 3 })).toBe(250);
    expect(reservationTokens({ promptTokens: 100, outputTokens: 50, choices: 1 })).toBe(150);
  });

  it("clamps each choice to the context, not the whole hold", () => {
    // Each choice can use at most context − prompt = 48 tokens.
    expect(
      reservationTokens({ promptTokens: 2000, outputTokens: 1000, contextTokens: 2048, choices: 2 }),
    ).toBe(2000 + 2 * 48);
    expect(reservationTokens({ promptTokens: 40, outputTokens: 10, contextTokens: 2048, choices: 4 })).toBe(
      80,
    );
  });
});
