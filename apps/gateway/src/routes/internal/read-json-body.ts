import { readRequestText } from "@helexa/core";
import { type JsonBody, parseJsonBody } from "../serve-pass-through.js";

/**
 * Reads a JSON object body of at most `maxBytes` (core's `readRequestText`: 413 over the limit, 499 when the
 * client went away first), 400 `invalid_json` when it does not parse, 400 `missing_model_field` when it is
 * not a JSON object with a string `model` and `requireModel` is set.
 */
export async function readJsonBody(
  request: Request,
  maxBytes: number,
  requireModel = true,
): Promise<JsonBody> {
  return parseJsonBody(await readRequestText(request, maxBytes), requireModel);
}
