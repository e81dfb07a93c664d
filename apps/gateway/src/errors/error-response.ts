import { randomUUID } from "node:crypto";
import { HelexaError, internalError, invalidRequest } from "@helexa/core";
import { HTTPException } from "hono/http-exception";
import type { ClientHeaders } from "../internal/client-headers.js";
import type { Logger } from "../internal/logger.js";
import { dialectOfPath, renderErrorResponse } from "./render-error-response.js";

/**
 * Any error thrown while serving `path`, as a response in the request's dialect (`dialectOfPath`): a `HelexaError` as itself, a
 * client-side `HTTPException` as 400; anything else is logged with a fresh request id and answered with a
 * generic 500 that carries only that id (no message, no stack).
 */
export function errorResponse(
  error: unknown,
  path: string,
  logger: Logger,
  headers?: ClientHeaders,
): Response {
  const dialect = dialectOfPath(path, headers);
  if (HelexaError.is(error)) {
    const response = renderErrorResponse(error, dialect);
    // A body refused for its size was not read to its end: close the connection rather than read the rest.
    if (error.statusCode === 413) response.headers.set("connection", "close");
    return response;
  }
  if (error instanceof HTTPException && error.status < 500) {
    return renderErrorResponse(invalidRequest(error.message || "bad request"), dialect);
  }
  const requestId = randomUUID();
  logger.error({ event: "unhandled_error", request_id: requestId, path, err: error }, "unhandled error");
  return renderErrorResponse(
    internalError(undefined, `internal server error (request id ${requestId})`),
    dialect,
  );
}
