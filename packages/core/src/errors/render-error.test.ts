import { describe, expect, it } from "vitest";
import { insufficientQuota, invalidApiKey, modelNotFound, rateLimitExceeded } from "./client-errors.js";
import { HelexaError } from "./helexa-error.js";
import {
  anthropicErrorEnvelopeSchema,
  openAiErrorEnvelopeSchema,
  renderAnthropicError,
  renderOpenAiError,
  toAnthropicErrorType,
} from "./render-error.js";
import { modelOverloaded, serviceUnavailable } from "./server-errors.js";

describe("renderOpenAiError", () => {
  it("renders a body the envelope schema accepts, and extras cannot overwrite the core fields", () => {
    const error = new HelexaError({
      statusCode: 400,
      type: "invalid_request_error",
      code: "x",
      message: "real",
      extras: { message: "spoofed", hint: 1 },
    });
    const { body } = renderOpenAiError(error);
    expect(openAiErrorEnvelopeSchema.safeParse(body).success).toBe(true);
    expect(body.error.message).toBe("real");
    expect(body.error.hint).toBe(1);
  });
});

describe("renderAnthropicError", () => {
  it.each<[string, HelexaError, number, string, string | undefined]>([
    ["invalid request", modelNotFound("m"), 404, "not_found_error", undefined],
    ["auth", invalidApiKey(), 401, "authentication_error", undefined],
    ["budget 429 stays a rate limit", rateLimitExceeded("x", 3), 429, "rate_limit_error", "3"],
    ["balance 429", insufficientQuota("x"), 429, "rate_limit_error", undefined],
    ["admission backpressure becomes 529", modelOverloaded(4), 529, "overloaded_error", "4"],
    ["no healthy node becomes 529", serviceUnavailable("x", 5), 529, "overloaded_error", "5"],
  ])("%s", (_name, error, status, type, retryAfter) => {
    const rendered = renderAnthropicError(error);
    expect(rendered.status).toBe(status);
    expect(rendered.body).toEqual({ type: "error", error: { type, message: error.message } });
    expect(anthropicErrorEnvelopeSchema.safeParse(rendered.body).success).toBe(true);
    expect(rendered.headers["retry-after"]).toBe(retryAfter);
  });
});

describe("toAnthropicErrorType", () => {
  it.each([
    [400, false, 400, "invalid_request_error"],
    [413, false, 413, "request_too_large"],
    [422, false, 422, "invalid_request_error"],
    [405, false, 405, "invalid_request_error"],
    [408, false, 408, "invalid_request_error"],
    [409, false, 409, "invalid_request_error"],
    [401, false, 401, "authentication_error"],
    [404, false, 404, "not_found_error"],
    [429, false, 429, "rate_limit_error"],
    [403, false, 403, "permission_error"],
    [500, false, 500, "api_error"],
    [502, false, 502, "api_error"],
    [503, false, 503, "api_error"],
    [503, true, 529, "overloaded_error"],
    [529, false, 529, "overloaded_error"],
    [429, true, 529, "overloaded_error"],
  ])("%d (overload %s) → %d %s", (status, isOverload, expectedStatus, expectedType) => {
    expect(toAnthropicErrorType(status, isOverload)).toEqual({ status: expectedStatus, type: expectedType });
  });
});

describe("an error's own headers", () => {
  it("are rendered after Retry-After / x-should-retry in both dialects, never in the body", () => {
    const error = rateLimitExceeded("slow down", 3).withHeaders({ "x-request-id": "r1" });
    for (const rendered of [renderOpenAiError(error), renderAnthropicError(error)]) {
      expect(Object.entries(rendered.headers)).toEqual([
        ["retry-after", "3"],
        ["x-request-id", "r1"],
      ]);
      expect(JSON.stringify(rendered.body)).not.toContain("r1");
    }
    const permanent = insufficientQuota("spent").withHeaders({ "x-helexa-advice": "a" });
    expect(renderOpenAiError(permanent).headers).toEqual({
      "x-should-retry": "false",
      "x-helexa-advice": "a",
    });
  });

  it("withHeaders merges into a copy that keeps everything else", () => {
    const cause = new Error("root");
    const original = new HelexaError({
      statusCode: 503,
      type: "api_error",
      code: "c",
      message: "m",
      param: "p",
      extras: { x: 1 },
      retryAfterSecs: 2,
      isOverload: true,
      cause,
    });
    const once = original.withHeaders({ a: "1" });
    const twice = once.withHeaders({ b: "2", a: "3" });
    expect(original.headers).toEqual({});
    expect(twice.headers).toEqual({ a: "3", b: "2" });
    expect(renderOpenAiError(twice).body).toEqual(renderOpenAiError(original).body);
    expect(renderAnthropicError(twice).status).toBe(529);
    expect(twice.cause).toBe(cause);
    expect(twice.isRetryable).toBe(true);
  });
});
