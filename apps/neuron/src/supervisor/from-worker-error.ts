import { HelexaError } from "@helexa/core";
import type { WorkerError } from "../ipc/worker-protocol.js";

/** Renders a worker's error as the `HelexaError` the client sees. */
export function fromWorkerError(error: WorkerError): HelexaError {
  const status = error.statusCode;
  return new HelexaError({
    statusCode: status,
    type: status >= 500 ? "api_error" : "invalid_request_error",
    code: error.code,
    message: error.message,
    param: error.param ?? null,
    ...(error.extras === undefined ? {} : { extras: error.extras }),
  });
}
