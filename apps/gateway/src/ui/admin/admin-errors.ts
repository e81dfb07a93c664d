import { conflict, HelexaError, invalidRequest } from "@helexa/core";

/** 403 `admin_required`: an `/admin/*` route called without an admin key. */
export function adminRequired() {
  return new HelexaError({
    statusCode: 403,
    type: "permission_error",
    code: "admin_required",
    message: 'this route needs an admin key (role = "admin" in [[entitlements.keys]])',
    permanent: true,
  });
}

/** 403 `cross_origin_refused`: an admin action sent from another site's page. */
export function crossOriginRefused() {
  return new HelexaError({
    statusCode: 403,
    type: "permission_error",
    code: "cross_origin_refused",
    message: "admin actions are accepted only from cortex's own pages",
    permanent: true,
  });
}

/** 400 for an admin request body that is not the expected JSON. */
export function invalidAdminBody(message: string, param: string | null = null) {
  return invalidRequest(message, param, "invalid_body");
}

/** 404 for a node or model the action names that cortex does not know. */
export function unknownTarget(what: "node" | "model", name: string, hint = "") {
  return new HelexaError({
    statusCode: 404,
    type: "not_found_error",
    code: what === "node" ? "node_not_found" : "model_not_found",
    message: `unknown ${what} '${name}'${hint}`,
    param: what,
  });
}

/** 409 for an action the target's state does not allow (unload what is not loaded, load what is loading). */
export function actionConflict(message: string, param: string | null = null) {
  return conflict("conflict", message, param);
}

/** 502 when the neuron refused or failed the action; its reason, without host paths. */
export function neuronActionFailed(message: string) {
  return new HelexaError({ statusCode: 502, type: "api_error", code: "neuron_action_failed", message });
}
