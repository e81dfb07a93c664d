import { HelexaError } from "@helexa/core";

/** 405 for a known path called with the wrong method. */
export function methodNotAllowed(method: string, path: string): HelexaError {
  return new HelexaError({
    statusCode: 405,
    type: "invalid_request_error",
    code: "method_not_allowed",
    message: `${method} is not allowed on ${path}`,
  });
}
