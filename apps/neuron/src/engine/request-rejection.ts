import type { WorkerError } from "../ipc/worker-protocol.js";

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

/** Renders any thrown value as a `WorkerError`; unknown failures become 500 with their message. */
export function toWorkerError(error: unknown): WorkerError {
  if (error instanceof RequestRejection) {
    return {
      statusCode: error.statusCode,
      code: error.code,
      message: error.message,
      param: error.param,
      extras: error.extras,
    };
  }
  return { statusCode: 500, code: null, message: error instanceof Error ? error.message : String(error) };
}
