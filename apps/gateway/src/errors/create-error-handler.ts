import { randomUUID } from "node:crypto";
import { HelexaError, internalError, invalidRequest } from "@helexa/core";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "../internal/logger.js";
import { dialectOfPath, renderErrorResponse } from "./render-error-response.js";

/**
 * The app's one `onError`: a `HelexaError` is rendered in the route's dialect; anything else is logged with
 * a fresh request id and answered with a generic 500 that carries only that id.
 */
export function createErrorHandler(logger: Logger) {
  return function handleError(error: Error, c: Context): Response {
    const dialect = dialectOfPath(c.req.path);
    if (HelexaError.is(error)) return renderErrorResponse(error, dialect);
    if (error instanceof HTTPException && error.status < 500) {
      return renderErrorResponse(invalidRequest(error.message || "bad request"), dialect);
    }
    const requestId = randomUUID();
    logger.error(
      { event: "unhandled_error", request_id: requestId, path: c.req.path, err: error },
      "unhandled error",
    );
    const generic = internalError();
    const answer = new HelexaError({
      statusCode: generic.statusCode,
      type: generic.type,
      code: generic.code,
      message: `internal server error (request id ${requestId})`,
    });
    return renderErrorResponse(answer, dialect);
  };
}
