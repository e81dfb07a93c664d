import { formatZodIssue, invalidRequest } from "@helexa/core";
import type { UpstreamRoute } from "../../dispatch/dispatch.js";
import { acceptsAtAGlance } from "./accepts-at-a-glance.js";
import { openAiRequestSchemas } from "./openai-request-schemas.js";

/**
 * Refuses an OpenAI request whose fields have the wrong type, range or shape: 400
 * `invalid_request_error` with `param` naming the field as the neuron does (`messages[3].content`,
 * `tools[0].function.parameters`). Unknown fields pass.
 */
export function checkOpenAiRequest(route: UpstreamRoute, body: Record<string, unknown>): void {
  if (route === "/v1/tokenize" || acceptsAtAGlance(route, body)) return;
  const parsed = openAiRequestSchemas[route].safeParse(body);
  if (parsed.success) return;
  const first = parsed.error.issues[0];
  if (first === undefined) throw invalidRequest("invalid request body");
  const { param, message } = formatZodIssue(first);
  throw invalidRequest(message, param);
}
