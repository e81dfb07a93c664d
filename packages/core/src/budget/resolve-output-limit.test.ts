import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CANONICAL_OUTPUT_LIMIT_FIELD,
  DEFAULT_COMPLETIONS_MAX_TOKENS,
  DEFAULT_OUTPUT_LIMIT,
  type GenerationRoute,
  requestedOutputLimit,
  resolveOutputLimit,
} from "./resolve-output-limit.js";

const ROUTES: GenerationRoute[] = ["/v1/chat/completions", "/v1/completions", "/v1/responses"];
const FIELDS = ["max_completion_tokens", "max_tokens", "max_output_tokens"] as const;

describe("requestedOutputLimit", () => {
  it.each(ROUTES.flatMap((route) => FIELDS.map((field) => [route, field] as const)))(
    "%s reads %s",
    (route, field) => {
      expect(requestedOutputLimit(route, { [field]: 7 })).toBe(7);
    },
  );

  it("reads the route's canonical field before the others", () => {
    const body = { max_completion_tokens: 1, max_tokens: 2, max_output_tokens: 3 };
    expect(requestedOutputLimit("/v1/chat/completions", body)).toBe(1);
    expect(requestedOutputLimit("/v1/completions", body)).toBe(2);
    expect(requestedOutputLimit("/v1/responses", body)).toBe(3);
  });

  it("falls back in the order max_completion_tokens, max_tokens, max_output_tokens", () => {
    expect(requestedOutputLimit("/v1/responses", { max_tokens: 5, max_completion_tokens: 4 })).toBe(4);
    expect(requestedOutputLimit("/v1/completions", { max_output_tokens: 6, max_completion_tokens: 9 })).toBe(
      9,
    );
    expect(requestedOutputLimit("/v1/chat/completions", { max_output_tokens: 6, max_tokens: 8 })).toBe(8);
  });

  it("skips null, non-numbers and values below 1", () => {
    const body = { max_completion_tokens: null, max_tokens: "9", max_output_tokens: 0 };
    expect(requestedOutputLimit("/v1/chat/completions", body)).toBeUndefined();
    expect(
      requestedOutputLimit("/v1/chat/completions", { max_tokens: Number.NaN, max_output_tokens: 3 }),
    ).toBe(3);
    expect(requestedOutputLimit("/v1/chat/completions", { max_tokens: 2.9 })).toBe(2);
  });
});

describe("resolveOutputLimit", () => {
  it("keeps what was asked when it fits", () => {
    expect(
      resolveOutputLimit("/v1/responses", { max_tokens: 1 }, { contextTokens: 2048, promptTokens: 10 }),
    ).toBe(1);
  });

  it("clamps to the room the prompt leaves in the context (context - prompt - 1)", () => {
    const context = { contextTokens: 2048, promptTokens: 48 };
    expect(resolveOutputLimit("/v1/chat/completions", { max_tokens: 32_000 }, context)).toBe(1999);
  });

  it("clamps to the model's output cap", () => {
    const context = { contextTokens: 8192, promptTokens: 10, modelOutputLimit: 512 };
    expect(resolveOutputLimit("/v1/chat/completions", { max_tokens: 4000 }, context)).toBe(512);
    expect(resolveOutputLimit("/v1/chat/completions", {}, context)).toBe(512);
  });

  it("defaults to the remaining context, 16 on /v1/completions, else the model cap or 4096", () => {
    expect(resolveOutputLimit("/v1/chat/completions", {}, { contextTokens: 1024, promptTokens: 23 })).toBe(
      1000,
    );
    expect(resolveOutputLimit("/v1/completions", {}, { contextTokens: 1024 })).toBe(
      DEFAULT_COMPLETIONS_MAX_TOKENS,
    );
    expect(resolveOutputLimit("/v1/responses", {}, { modelOutputLimit: 300 })).toBe(300);
    expect(resolveOutputLimit("/v1/responses", {})).toBe(DEFAULT_OUTPUT_LIMIT);
  });

  it("is at least 1 even when the prompt fills the context", () => {
    expect(
      resolveOutputLimit(
        "/v1/chat/completions",
        { max_tokens: 50 },
        { contextTokens: 100, promptTokens: 500 },
      ),
    ).toBe(1);
  });

  it("never passes the request's own field, the cap or the room (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ROUTES),
        fc.constantFrom(...FIELDS),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.option(fc.integer({ min: 2, max: 200_000 }), { nil: undefined }),
        fc.integer({ min: 0, max: 200_000 }),
        fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: undefined }),
        (route, field, asked, contextTokens, promptTokens, modelOutputLimit) => {
          const limit = resolveOutputLimit(
            route,
            { [field]: asked },
            { contextTokens, promptTokens, modelOutputLimit },
          );
          expect(limit).toBeGreaterThanOrEqual(1);
          expect(Number.isInteger(limit)).toBe(true);
          expect(limit).toBeLessThanOrEqual(asked);
          if (modelOutputLimit !== undefined) expect(limit).toBeLessThanOrEqual(modelOutputLimit);
          if (contextTokens !== undefined)
            expect(limit).toBeLessThanOrEqual(Math.max(1, contextTokens - promptTokens - 1));
        },
      ),
    );
  });

  it("names one canonical field per route", () => {
    expect(Object.values(CANONICAL_OUTPUT_LIMIT_FIELD)).toEqual([
      "max_completion_tokens",
      "max_tokens",
      "max_output_tokens",
      "n_predict",
    ]);
  });
});

describe("/infill (llama.cpp's n_predict)", () => {
  it("reads n_predict, takes -1 (llama.cpp's 'until done') as no limit asked, and 0 (a prompt-caching call) as 1", () => {
    expect(requestedOutputLimit("/infill", { n_predict: 128 })).toBe(128);
    expect(requestedOutputLimit("/infill", { n_predict: -1 })).toBeUndefined();
    expect(requestedOutputLimit("/infill", { n_predict: 0 })).toBe(1);
    expect(requestedOutputLimit("/v1/completions", { n_predict: 12 })).toBeUndefined();
    expect(CANONICAL_OUTPUT_LIMIT_FIELD["/infill"]).toBe("n_predict");
  });

  it("defaults to the room the prompt leaves, clamped like every route", () => {
    expect(resolveOutputLimit("/infill", {}, { contextTokens: 2048, promptTokens: 47 })).toBe(2000);
    expect(
      resolveOutputLimit("/infill", { n_predict: 5000 }, { contextTokens: 2048, promptTokens: 47 }),
    ).toBe(2000);
    expect(resolveOutputLimit("/infill", { n_predict: 64 }, { modelOutputLimit: 32 })).toBe(32);
  });
});
