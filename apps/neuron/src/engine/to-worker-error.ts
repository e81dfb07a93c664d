import { HelexaError } from "@helexa/core/errors";
import type { WorkerError } from "../ipc/worker-protocol.js";

/** What a request's reply says when the engine failed for a reason that is not the request's. */
export const internalFailureMessage = "the model worker failed to run this request";

/**
 * Renders any thrown value as a `WorkerError`, the form an error crosses IPC in. A `HelexaError` (a
 * refusal the engine made with one of core's constructors: the client can fix the request) keeps its
 * status, code, message, param and extras. Unknown failures become 500: with their message when
 * `exposeMessage` is set (a model load, whose reason the operator needs), else with a generic one, as a
 * request's reply must not carry engine internals (the worker logs the detail).
 */
export function toWorkerError(error: unknown, exposeMessage = false): WorkerError {
  if (HelexaError.is(error)) {
    return {
      statusCode: error.statusCode,
      code: error.code,
      message: error.message,
      param: error.param,
      extras: error.extras,
    };
  }
  if (!exposeMessage) return { statusCode: 500, code: "generation_failed", message: internalFailureMessage };
  return { statusCode: 500, code: null, message: error instanceof Error ? error.message : String(error) };
}
