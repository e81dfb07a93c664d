import { describe, expect, it } from "vitest";
import { errorFromUpstream } from "./error-from-upstream.js";
import { fromAnthropicError, openAiErrorTypeForStatus } from "./from-anthropic-error.js";
import { renderAnthropicError, renderOpenAiError } from "./render-error.js";

describe("errorFromUpstream", () => {
  it("keeps an OpenAI envelope whole, extras included, and re-renders it identically", () => {
    const body = {
      error: {
        message: "too long",
        type: "invalid_request_error",
        code: "context_length_exceeded",
        param: null,
        max: 50,
        prompt_len: 80,
      },
    };
    const error = errorFromUpstream(400, body);
    expect(renderOpenAiError(error)).toEqual({ status: 400, headers: {}, body });
  });

  it("carries backpressure: 503 + Retry-After becomes Anthropic 529 with the header", () => {
    const body = {
      error: {
        message: "model is busy (admission queue full); retry shortly",
        type: "rate_limit_error",
        code: "rate_limit_exceeded",
        param: null,
      },
    };
    const error = errorFromUpstream(503, body, 6);
    expect(renderOpenAiError(error).headers).toEqual({ "retry-after": "6" });
    expect(renderAnthropicError(error)).toEqual({
      status: 529,
      headers: { "retry-after": "6" },
      body: { type: "error", error: { type: "overloaded_error", message: body.error.message } },
    });
  });

  it("keeps a 429 a rate limit in the Anthropic dialect", () => {
    const error = errorFromUpstream(429, {
      error: { message: "slow", type: "rate_limit_error", code: "rate_limit_exceeded" },
    });
    expect(renderAnthropicError(error).status).toBe(429);
  });

  it("reads an older neuron's flat bodies, code included", () => {
    const error = errorFromUpstream(503, { error: "CUDA driver mismatch", code: "cuda_unavailable" });
    expect(renderOpenAiError(error).body.error).toMatchObject({
      message: "CUDA driver mismatch",
      type: "api_error",
      code: "cuda_unavailable",
    });
  });

  it("maps an Anthropic envelope to the OpenAI dialect", () => {
    const error = errorFromUpstream(
      529,
      { type: "error", error: { type: "overloaded_error", message: "busy" } },
      3,
    );
    expect(renderOpenAiError(error)).toEqual({
      status: 503,
      headers: { "retry-after": "3" },
      body: { error: { message: "busy", type: "api_error", code: "service_unavailable", param: null } },
    });
  });

  it("falls back to the status for bodies it cannot read", () => {
    for (const body of ["<html>bad gateway</html>", null, 42, { unrelated: true }]) {
      const error = errorFromUpstream(502, body);
      expect(renderOpenAiError(error).body.error).toMatchObject({
        message: "upstream returned 502",
        type: "api_error",
        code: null,
      });
    }
    expect(errorFromUpstream(401, null).type).toBe("authentication_error");
  });
});

describe("fromAnthropicError and openAiErrorTypeForStatus", () => {
  it.each([
    [400, "invalid_request_error", 400, "invalid_request_error", null],
    [401, "authentication_error", 401, "authentication_error", "invalid_api_key"],
    [403, "permission_error", 403, "permission_error", null],
    [404, "not_found_error", 404, "not_found_error", null],
    [413, "request_too_large", 413, "invalid_request_error", "payload_too_large"],
    [429, "rate_limit_error", 429, "rate_limit_error", "rate_limit_exceeded"],
    [529, "overloaded_error", 503, "api_error", "service_unavailable"],
    [500, "api_error", 500, "api_error", null],
    [529, "something_new", 503, "api_error", null],
  ])("%d %s", (status, type, expectedStatus, expectedType, expectedCode) => {
    expect(fromAnthropicError(status, type)).toMatchObject({
      status: expectedStatus,
      type: expectedType,
      code: expectedCode,
    });
  });

  it.each([
    [400, "invalid_request_error"],
    [401, "authentication_error"],
    [403, "permission_error"],
    [404, "not_found_error"],
    [429, "rate_limit_error"],
    [503, "api_error"],
  ])("%d → %s", (status, type) => {
    expect(openAiErrorTypeForStatus(status)).toBe(type);
  });
});
