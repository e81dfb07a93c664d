import type { HelexaError } from "@helexa/core";

/** OpenAI chat fields the translation writes, as the Anthropic request field they came from. */
const FIELD_RULES: ReadonlyArray<readonly [pattern: RegExp, rewrite: (match: RegExpMatchArray) => string]> = [
  [/^tools\[(\d+)\]\.function\.name$/, (m) => `tools.${m[1]}.name`],
  [/^tools\[(\d+)\]\.function\.description$/, (m) => `tools.${m[1]}.description`],
  [/^tools\[(\d+)\]\.function\.parameters(.*)$/, (m) => `tools.${m[1]}.input_schema${dotted(m[2] ?? "")}`],
  [/^tools\[(\d+)\](.*)$/, (m) => `tools.${m[1]}`],
  [/^tool_choice(\..*)?$/, () => "tool_choice"],
  [/^stop(\[(\d+)\])?$/, (m) => (m[2] === undefined ? "stop_sequences" : `stop_sequences.${m[2]}`)],
  [/^user$/, () => "metadata.user_id"],
  [/^response_format\.json_schema\.schema(.*)$/, (m) => `output_config.format.schema${dotted(m[1] ?? "")}`],
  [/^response_format(.*)$/, () => "output_config.format"],
  [/^(max_tokens|max_completion_tokens)$/, () => "max_tokens"],
  [/^(temperature|top_p|top_k|model)$/, (m) => m[1] ?? ""],
  // The chat's messages are not the request's one for one (the system prompt leads, tool results split
  // off): no index is named rather than a wrong one.
  [/^messages(\[.*)?$/, () => "messages"],
];

/**
 * A neuron's refusal of the translated OpenAI chat body, re-phrased for the Anthropic client who sent the
 * original: the OpenAI field path the neuron named (`param`, and the message's `invalid '<param>': `
 * prefix) becomes the Anthropic field it came from (`tools[0].function.name` → `tools.0.name`), in the
 * `path: detail` form cortex's own Anthropic refusals use. A path with no Anthropic counterpart is left
 * out of the message. Errors without a `param` are returned as they are.
 */
export function rephraseUpstreamError(error: HelexaError): HelexaError {
  const param = error.param;
  if (param === null) return error;
  const prefix = `invalid '${param}': `;
  const detail = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  const mapped = anthropicField(param);
  return error.with({
    message: mapped === null ? detail : `${mapped}: ${detail}`,
    param: mapped,
    cause: error,
  });
}

function anthropicField(param: string): string | null {
  for (const [pattern, rewrite] of FIELD_RULES) {
    const match = param.match(pattern);
    if (match !== null) return rewrite(match);
  }
  return null;
}

/** `.properties.city[0]` → `.properties.city.0`: a JSON path in Anthropic's dotted style. */
function dotted(rest: string): string {
  return rest.replace(/\[(\d+)\]/g, ".$1");
}
