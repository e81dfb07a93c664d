import { describe, expect, it } from "vitest";
import { renderAnthropicError, renderOpenAiError } from "./render-error.js";
import {
  cudaUnavailable,
  generationFailed,
  internalError,
  modelLoadFailed,
  upstreamTimeout,
} from "./server-errors.js";

// The constructors that cortex and the neuron once built inline: their wire shape, pinned here.
describe("server errors", () => {
  it.each([
    [
      "504 upstream_timeout",
      upstreamTimeout("n1"),
      504,
      {
        message: "neuron 'n1' did not answer in time",
        type: "api_error",
        code: "upstream_timeout",
        param: null,
      },
    ],
    [
      "503 model_load_failed",
      modelLoadFailed("m", "no VRAM"),
      503,
      {
        model_id: "m",
        message: "cold-load of 'm' failed (no VRAM)",
        type: "api_error",
        code: "model_load_failed",
        param: null,
      },
    ],
    [
      "500 generation_failed",
      generationFailed("worker exited"),
      500,
      { message: "worker exited", type: "api_error", code: "generation_failed", param: null },
    ],
    [
      "503 cuda_unavailable",
      cudaUnavailable("driver/library version mismatch"),
      503,
      {
        message: "driver/library version mismatch",
        type: "api_error",
        code: "cuda_unavailable",
        param: null,
      },
    ],
  ])("%s", (_, error, status, body) => {
    const rendered = renderOpenAiError(error);
    expect(rendered.status).toBe(status);
    expect(rendered.body).toEqual({ error: body });
  });

  it("a failed cold load is not backpressure: Anthropic clients get api_error, not a retried 529", () => {
    expect(renderAnthropicError(modelLoadFailed("m", "x"))).toMatchObject({
      status: 503,
      body: { error: { type: "api_error" } },
    });
  });

  it("a 500 may carry a request id in its message, and never its cause", () => {
    const error = internalError(new Error("secret path /srv/x"), "internal server error (request id r1)");
    expect(JSON.stringify(renderOpenAiError(error).body)).toBe(
      JSON.stringify({
        error: {
          message: "internal server error (request id r1)",
          type: "api_error",
          code: "internal_server_error",
          param: null,
        },
      }),
    );
  });
});
