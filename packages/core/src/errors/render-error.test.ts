import { describe, expect, it } from "vitest";
import {
  insufficientQuota,
  invalidApiKey,
  modelNotFound,
  modelOverloaded,
  rateLimitExceeded,
  serviceUnavailable,
} from "./error-constructors.js";
import { HelexaError } from "./helexa-error.js";
import {
  anthropicErrorEnvelopeSchema,
  openAiErrorEnvelopeSchema,
  renderAnthropicError,
  renderOpenAiError,
  toAnthropicErrorType,
} from "./render-error.js";

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
    [413, false, 413, "invalid_request_error"],
    [422, false, 422, "invalid_request_error"],
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
