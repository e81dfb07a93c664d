import { describe, expect, it } from "vitest";
import {
  adminRequired,
  chainedConversationNotSupported,
  contextLengthExceeded,
  crossOriginRefused,
  insufficientQuota,
  invalidAnthropicBody,
  invalidApiKey,
  invalidJoinToken,
  invalidRequest,
  malformedHttpRequest,
  missingModelField,
  modelNotFound,
  payloadTooLarge,
  rateLimitExceeded,
  requestHeadersTooLarge,
  requestTimeout,
  routeNotFound,
  templateRenderFailed,
  unknownTarget,
  visionUnsupported,
} from "./client-errors.js";
import { HelexaError } from "./helexa-error.js";
import { renderAnthropicError, renderOpenAiError } from "./render-error.js";
import {
  cudaUnavailable,
  insufficientVram,
  internalError,
  internalTranslationError,
  modelOverloaded,
  neuronActionFailed,
  serviceUnavailable,
  upstreamError,
  upstreamMalformedResponse,
  upstreamStatusError,
} from "./server-errors.js";

describe("every error code cortex and the neuron answer with", () => {
  it.each<[string, HelexaError, number, string, string | null, string | undefined]>([
    [
      "missing_model_field",
      missingModelField(),
      400,
      "invalid_request_error",
      "missing_model_field",
      undefined,
    ],
    [
      "invalid_anthropic_body",
      invalidAnthropicBody("bad"),
      400,
      "invalid_request_error",
      "invalid_anthropic_body",
      undefined,
    ],
    [
      "context_length_exceeded",
      contextLengthExceeded(50, 302, true),
      400,
      "invalid_request_error",
      "context_length_exceeded",
      undefined,
    ],
    ["invalid_api_key", invalidApiKey(), 401, "authentication_error", "invalid_api_key", undefined],
    ["invalid_join_token", invalidJoinToken(), 401, "authentication_error", "invalid_join_token", undefined],
    ["admin_required", adminRequired(), 403, "permission_error", "admin_required", undefined],
    [
      "cross_origin_refused",
      crossOriginRefused(),
      403,
      "permission_error",
      "cross_origin_refused",
      undefined,
    ],
    ["node_not_found", unknownTarget("node", "n1"), 404, "not_found_error", "node_not_found", undefined],
    ["request_timeout", requestTimeout(), 408, "invalid_request_error", "request_timeout", undefined],
    [
      "request_header_fields_too_large",
      requestHeadersTooLarge(),
      431,
      "invalid_request_error",
      "request_header_fields_too_large",
      undefined,
    ],
    [
      "malformed_http_request",
      malformedHttpRequest("Invalid method encountered"),
      400,
      "invalid_request_error",
      "malformed_http_request",
      undefined,
    ],
    ["model_not_found", modelNotFound("m"), 404, "invalid_request_error", "model_not_found", undefined],
    ["route_not_found", routeNotFound("GET", "/x"), 404, "not_found_error", "route_not_found", undefined],
    ["payload_too_large", payloadTooLarge(10), 413, "invalid_request_error", "payload_too_large", undefined],
    [
      "template_render_failed",
      templateRenderFailed("bad template"),
      422,
      "invalid_request_error",
      "template_render_failed",
      undefined,
    ],
    [
      "rate_limit_exceeded",
      rateLimitExceeded("slow down", 0.2),
      429,
      "rate_limit_error",
      "rate_limit_exceeded",
      "1",
    ],
    [
      "insufficient_quota",
      insufficientQuota("spent"),
      429,
      "insufficient_quota",
      "insufficient_quota",
      undefined,
    ],
    [
      "internal_translation_error",
      internalTranslationError(new Error("x")),
      500,
      "api_error",
      "internal_translation_error",
      undefined,
    ],
    [
      "internal_server_error",
      internalError(new Error("secret")),
      500,
      "api_error",
      "internal_server_error",
      undefined,
    ],
    [
      "upstream_connection_error",
      upstreamError("down"),
      502,
      "api_error",
      "upstream_connection_error",
      undefined,
    ],
    [
      "upstream_malformed_response",
      upstreamMalformedResponse(),
      502,
      "api_error",
      "upstream_malformed_response",
      undefined,
    ],
    ["upstream_error", upstreamStatusError(418), 418, "api_error", "upstream_error", undefined],
    ["neuron_action_failed", neuronActionFailed("no"), 502, "api_error", "neuron_action_failed", undefined],
    [
      "service_unavailable",
      serviceUnavailable("no healthy nodes available", 5),
      503,
      "api_error",
      "service_unavailable",
      "5",
    ],
    ["admission overload", modelOverloaded(18), 503, "rate_limit_error", "rate_limit_exceeded", "18"],
    ["insufficient_vram", insufficientVram(100, 500), 503, "api_error", "insufficient_vram", "5"],
    ["cuda_unavailable", cudaUnavailable("driver mismatch"), 503, "api_error", "cuda_unavailable", undefined],
    [
      "vision_unsupported",
      visionUnsupported("m"),
      400,
      "invalid_request_error",
      "vision_unsupported",
      undefined,
    ],
    [
      "chained_conversation_not_supported",
      chainedConversationNotSupported(),
      400,
      "invalid_request_error",
      "chained_conversation_not_supported",
      undefined,
    ],
  ])("%s", (_name, error, status, type, code, retryAfter) => {
    const rendered = renderOpenAiError(error);
    expect(rendered.status).toBe(status);
    expect(rendered.body.error.type).toBe(type);
    expect(rendered.body.error.code).toBe(code);
    expect(rendered.headers["retry-after"]).toBe(retryAfter);
  });
});

describe("envelope contract", () => {
  it("body_has_standard_envelope_shape", () => {
    const { body } = renderOpenAiError(modelNotFound("m"));
    expect(Object.keys(body)).toEqual(["error"]);
    expect(body.error).toMatchObject({
      message: "model 'm' not found",
      type: "invalid_request_error",
      code: "model_not_found",
    });
    expect("param" in body.error).toBe(true);
  });

  it("without_code_renders_null_code", () => {
    expect(renderOpenAiError(invalidRequest("bad")).body.error.code).toBeNull();
    expect(renderOpenAiError(invalidRequest("bad")).body.error.param).toBeNull();
  });

  it("context_length_exceeded_names_the_field_that_holds_the_prompt", () => {
    expect(contextLengthExceeded(50, 302, false)).toMatchObject({ param: "messages" });
    for (const field of ["messages", "prompt", "input"] as const) {
      for (const estimated of [true, false]) {
        const error = contextLengthExceeded(50, 302, estimated, field);
        expect(error.param).toBe(field);
        expect(error.message).toContain(`reduce the length of the ${field}.`);
        expect(error.message).toContain(estimated ? "~302" : `your ${field} resulted in 302 tokens`);
      }
    }
    expect(contextLengthExceeded(50, 302, false, "prompt").message).not.toContain("messages");
  });

  it("extras_ride_inside_the_error_object", () => {
    const { body } = renderOpenAiError(contextLengthExceeded(50, 302, true));
    expect(body.error).toMatchObject({ max: 50, estimated_prompt_tokens: 302 });
    expect(Object.keys(body)).toEqual(["error"]);
  });

  it("rolling_window_rejection_carries_retry_after, rounded up and at least 1", () => {
    expect(renderOpenAiError(rateLimitExceeded("x", 41.2)).headers["retry-after"]).toBe("42");
  });

  it("hard_balance_rejection_has_no_retry_after and permanent_rejections_have_no_retry_after", () => {
    for (const error of [insufficientQuota("x"), invalidApiKey(), modelNotFound("m"), missingModelField()]) {
      expect(renderOpenAiError(error).headers["retry-after"]).toBeUndefined();
      expect(error.retryAfterSecs).toBeUndefined();
    }
  });

  it("permanent refusals tell SDKs not to retry (x-should-retry: false), in both dialects", () => {
    // An unknown key too: Claude Code retries a 401 up to ten times with backoff unless told not to.
    const permanent = [
      invalidApiKey(),
      insufficientQuota("x"),
      modelNotFound("m"),
      contextLengthExceeded(50, 302, true),
    ];
    for (const error of permanent) {
      expect(renderOpenAiError(error).headers).toEqual({ "x-should-retry": "false" });
      expect(renderAnthropicError(error).headers).toEqual({ "x-should-retry": "false" });
      expect(error.isRetryable).toBe(false);
    }
    expect(renderOpenAiError(rateLimitExceeded("x", 3)).headers["x-should-retry"]).toBeUndefined();
    expect(renderOpenAiError(modelOverloaded(2)).headers["x-should-retry"]).toBeUndefined();
  });

  it("service_unavailable_retry_after_is_optional", () => {
    expect(renderOpenAiError(serviceUnavailable("x")).headers).toEqual({});
    expect(renderOpenAiError(serviceUnavailable("x", 2)).headers).toEqual({ "retry-after": "2" });
  });
});

describe("constructor details", () => {
  it("context_length_exceeded says 'estimated at' when estimated and the neuron's count when exact", () => {
    expect(contextLengthExceeded(50, 302, true).message).toBe(
      "This model's maximum context length is 50 tokens. Your request is estimated at ~302 tokens. Please reduce the length of the messages.",
    );
    const exact = contextLengthExceeded(49152, 50000, false);
    expect(exact.message).toBe(
      "This model's maximum context length is 49152 tokens. However, your messages resulted in 50000 tokens. Please reduce the length of the messages.",
    );
    expect(exact.extras).toEqual({ max: 49152, prompt_len: 50000 });
  });

  it("the neuron's messages and extras", () => {
    expect(insufficientVram(100, 500).message).toBe(
      "insufficient free VRAM: 100 MiB free, need at least 500 MiB",
    );
    expect(insufficientVram(100, 500).extras).toEqual({ free_mb: 100, required_mb: 500 });
    expect(visionUnsupported("m", "m-vl").message).toBe("model 'm' does not support image input");
    expect(visionUnsupported("m", "m-vl").extras).toEqual({ model_id: "m", suggestion: "m-vl" });
    expect(modelNotFound("m", "model 'm' not loaded on this neuron").extras).toEqual({ model_id: "m" });
  });

  it("internal errors keep the cause off the wire", () => {
    const error = internalError(new Error("db password is hunter2"));
    expect(JSON.stringify(renderOpenAiError(error).body)).not.toContain("hunter2");
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("retryability and the cross-copy type guard", () => {
    expect(modelOverloaded(2).isRetryable).toBe(true);
    expect(insufficientQuota("x").isRetryable).toBe(false);
    expect(modelNotFound("m").isRetryable).toBe(false);
    expect(HelexaError.is(modelNotFound("m"))).toBe(true);
    const lookalike = Object.assign(new Error("x"), { name: "HelexaError" });
    expect(HelexaError.is(lookalike)).toBe(true);
    expect(HelexaError.is(new Error("x"))).toBe(false);
  });
});
