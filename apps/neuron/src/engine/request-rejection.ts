import type { WorkerError } from "../ipc/worker-protocol.js";

/** What a request's reply says when the engine failed for a reason that is not the request's. */
export const internalFailureMessage = "the model worker failed to run this request";

/** A request the engine refuses for a reason the client can fix; crosses IPC as a `WorkerError`. */
export class RequestRejection extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly extras: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "RequestRejection";
  }
}

/**
 * Renders any thrown value as a `WorkerError`. Unknown failures become 500: with their message when
 * `exposeMessage` is set (a model load, whose reason the operator needs), else with a generic one, as a
 * request's reply must not carry engine internals (the worker logs the detail).
 */
export function toWorkerError(error: unknown, exposeMessage = false): WorkerError {
  if (error instanceof RequestRejection) {
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
