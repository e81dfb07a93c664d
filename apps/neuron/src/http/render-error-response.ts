import { HelexaError, internalError, renderOpenAiError } from "@helexa/core";
import type { Logger } from "pino";

/** The one error path: `HelexaError` as its envelope; anything else logged and answered with a generic 500. */
export function renderErrorResponse(error: unknown, logger: Logger): Response {
  const helexa = HelexaError.is(error) ? error : internalError(error);
  if (!HelexaError.is(error)) logger.error({ err: error }, "unhandled error");
  const rendered = renderOpenAiError(helexa);
  return new Response(JSON.stringify(rendered.body), {
    status: rendered.status,
    headers: { "content-type": "application/json", ...rendered.headers },
  });
}
