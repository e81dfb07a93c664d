import { describe, expect, it } from "vitest";
import { requestedChoices } from "./requested-choices.js";

describe("requestedChoices", () => {
  it("reads n on chat and completions", () => {
    expect(requestedChoices("/v1/chat/completions", { n: 3 })).toBe(3);
    expect(requestedChoices("/v1/completions", { n: 2 })).toBe(2);
  });

  it("is 1 without n, with a value that is not a positive integer, and on routes without n", () => {
    for (const n of [undefined, null, 0, -2, 1.5, "3", Number.NaN]) {
      expect(requestedChoices("/v1/chat/completions", { n })).toBe(1);
    }
    expect(requestedChoices("/v1/responses", { n: 4 })).toBe(1);
    expect(requestedChoices("/infill", { n: 4 })).toBe(1);
  });

  it("counts each prompt of a completions batch as choices of its own", () => {
    expect(requestedChoices("/v1/completions", { prompt: ["a", "b", "c"] })).toBe(3);
    expect(requestedChoices("/v1/completions", { prompt: ["a", "b"], n: 2 })).toBe(4);
    expect(requestedChoices("/v1/completions", { prompt: [[1, 2], [3]] })).toBe(2);
    // Token ids of one prompt, and a plain string, are one prompt.
    expect(requestedChoices("/v1/completions", { prompt: [1, 2, 3] })).toBe(1);
    expect(requestedChoices("/v1/completions", { prompt: "abc", n: 2 })).toBe(2);
  });
});
