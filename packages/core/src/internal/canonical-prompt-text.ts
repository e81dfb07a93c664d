import { withoutVolatileLines } from "../prefix/without-volatile-lines.js";
import { isRecord } from "./is-record.js";

/**
 * The prompt-bearing part of an OpenAI-shaped request body as one string, for prefix hashing: what the
 * neuron renders into its sequence, in order (tools first, as chat templates document them in the system
 * prompt, then each message), each element on its own line. Fields read one by one, in a fixed key order,
 * so cortex (the body it forwards) and the neuron (the body after its own schema parsed it) get the same
 * text for the same prompt. Per-request volatile lines that carry no meaning are left out (see
 * `withoutVolatileLines`). Routes without a text prompt (token-id prompts, `/infill`, tokenize) give "".
 */
export function canonicalPromptText(route: string, body: unknown): string {
  if (!isRecord(body)) return "";
  if (route === "/v1/chat/completions") {
    const parts: string[] = [];
    if (Array.isArray(body.tools)) for (const tool of body.tools) parts.push(`tool ${stableJson(tool)}`);
    if (Array.isArray(body.messages))
      for (const message of body.messages) parts.push(chatMessageText(message));
    return parts.join("\n");
  }
  if (route === "/v1/completions") {
    const prompt = Array.isArray(body.prompt) && body.prompt.length === 1 ? body.prompt[0] : body.prompt;
    return typeof prompt === "string" ? prompt : "";
  }
  if (route === "/v1/responses") {
    const parts: string[] = [];
    if (Array.isArray(body.tools)) for (const tool of body.tools) parts.push(`tool ${stableJson(tool)}`);
    if (typeof body.instructions === "string")
      parts.push(`system ${withoutVolatileLines(body.instructions)}`);
    if (typeof body.input === "string") parts.push(`user ${body.input}`);
    else if (Array.isArray(body.input)) for (const item of body.input) parts.push(stableJson(item));
    return parts.join("\n");
  }
  return "";
}

function chatMessageText(message: unknown): string {
  if (!isRecord(message)) return stableJson(message);
  const role = typeof message.role === "string" ? message.role : "";
  let text = contentText(message.content);
  if (role === "system" || role === "developer") text = withoutVolatileLines(text);
  const calls = Array.isArray(message.tool_calls)
    ? message.tool_calls.map((call) => {
        const fn = isRecord(call) && isRecord(call.function) ? call.function : {};
        return ` call ${stableJson([isRecord(call) ? call.id : null, fn.name, fn.arguments])}`;
      })
    : [];
  const id = typeof message.tool_call_id === "string" ? ` for ${message.tool_call_id}` : "";
  return `${role}${id} ${JSON.stringify(text)}${calls.join("")}`;
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return content == null ? "" : stableJson(content);
  return content
    .map((part) => (isRecord(part) && typeof part.text === "string" ? part.text : stableJson(part)))
    .join("\n");
}

/** JSON with object keys sorted, so key order (which a schema parser may change) does not matter. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (!isRecord(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(inner).sort()) sorted[key] = inner[key];
    return sorted;
  });
}
