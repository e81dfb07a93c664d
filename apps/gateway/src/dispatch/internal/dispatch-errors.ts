import { HelexaError } from "@helexa/core";

/** The client went away before an answer; nobody reads this, but the request must end as an error. */
export function clientClosed(): HelexaError {
  return new HelexaError({
    statusCode: 499,
    type: "invalid_request_error",
    code: "client_closed_request",
    message: "client closed the request",
  });
}

/** 504 when a neuron accepted the request but did not answer in time. */
export function upstreamTimeout(node: string): HelexaError {
  return new HelexaError({
    statusCode: 504,
    type: "api_error",
    code: "upstream_timeout",
    message: `neuron '${node}' did not answer in time`,
  });
}

/**
 * 503 `model_load_failed` when every cold load of the model failed. Not fleet backpressure: a committed
 * Anthropic stream reports it as `api_error`, not the `overloaded_error` its SDKs would retry at once.
 */
export function modelLoadFailed(model: string, reason: string): HelexaError {
  return new HelexaError({
    statusCode: 503,
    type: "api_error",
    code: "model_load_failed",
    message: `cold-load of '${model}' failed (${reason})`,
    extras: { model_id: model },
  });
}
