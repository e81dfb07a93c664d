import { invalidRequest, missingModelField } from "@helexa/core";

/** A request body as cortex needs it: the text (forwarded as is) and its parsed object. */
export interface JsonBody {
  raw: string;
  body: Record<string, unknown>;
}

/**
 * Parses a request body that must be a JSON object, with a non-empty string `model` when `requireModel`
 * is set. Malformed JSON is 400 `invalid_json`; JSON that is no object, or an object without a usable
 * `model`, is 400 `missing_model_field`. `param` names `model` only when the body is an object whose
 * `model` is wrong; otherwise no field is at fault (`param: null`).
 */
export function parseJsonBody(raw: string, requireModel = true): JsonBody {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw invalidRequest("request body is not valid JSON", null, "invalid_json");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw notAnObject("request body must be a JSON object");
  }
  const record = body as Record<string, unknown>;
  if (requireModel && typeof record.model !== "string") {
    throw missingModelField("missing 'model' field in request body (a string is required)");
  }
  if (requireModel && record.model === "") throw missingModelField("'model' must not be empty");
  return { raw, body: record };
}

/** 400 `missing_model_field` (the code clients already match on) with no `param`: no field is at fault. */
function notAnObject(message: string) {
  return invalidRequest(message, null, "missing_model_field");
}
