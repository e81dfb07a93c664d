import type { Context } from "hono";
import type { Logger } from "../internal/logger.js";
import { errorResponse } from "./error-response.js";

/** The app's one `onError`: `errorResponse` for the request's path and headers. */
export function createErrorHandler(logger: Logger) {
  return function handleError(error: Error, c: Context): Response {
    return errorResponse(error, c.req.path, logger, c.req.raw.headers);
  };
}
