import { conflict, invalidRequest } from "@helexa/core";

// The admin routes' wording of core's 400 and 409; their 403s, 404 and 502 are core's own constructors
// (`adminRequired`, `crossOriginRefused`, `unknownTarget`, `neuronActionFailed`).

/** 400 for an admin request body that is not the expected JSON. */
export function invalidAdminBody(message: string, param: string | null = null) {
  return invalidRequest(message, param, "invalid_body");
}

/** 409 for an action the target's state does not allow (unload what is not loaded, load what is loading). */
export function actionConflict(message: string, param: string | null = null) {
  return conflict("conflict", message, param);
}
