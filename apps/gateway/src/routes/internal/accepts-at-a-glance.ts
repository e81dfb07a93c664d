import { maxMessages } from "@helexa/core";
import type { UpstreamRoute } from "../../dispatch/dispatch.js";
import { openAiRequestSchemas } from "./openai-request-schemas.js";

type Route = Exclude<UpstreamRoute, "/v1/tokenize">;
type FieldCheck = (value: unknown) => boolean;

const isNumber = (value: unknown): value is number => typeof value === "number";
const inRange =
  (min: number, max: number): FieldCheck =>
  (value) =>
    value === null || (isNumber(value) && value >= min && value <= max);
const integerIn =
  (min: number, max: number): FieldCheck =>
  (value) =>
    value === null || (Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max);
const positive: FieldCheck = (value) => value === null || (isNumber(value) && value > 0);
const positiveInteger: FieldCheck = (value) =>
  value === null || (Number.isSafeInteger(value) && (value as number) > 0);
const text: FieldCheck = (value) => typeof value === "string";
const nullableText: FieldCheck = (value) => value === null || typeof value === "string";
const flag: FieldCheck = (value) => value === null || typeof value === "boolean";
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The sampling fields every route takes, in their common spellings only (others go to the schema). */
const samplingChecks: Record<string, FieldCheck> = {
  model: (value) => typeof value === "string" && value.length > 0,
  temperature: inRange(0, 2),
  top_p: inRange(0, 1),
  top_k: integerIn(0, 2_147_483_647),
  min_p: inRange(0, 1),
  seed: integerIn(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  presence_penalty: inRange(-2, 2),
  frequency_penalty: inRange(-2, 2),
  repeat_penalty: positive,
  repetition_penalty: positive,
  stop: (value) =>
    value === null ||
    typeof value === "string" ||
    (Array.isArray(value) && value.length <= 16 && value.every((item) => typeof item === "string")),
  n: integerIn(1, 128),
  logprobs: (value) => value === null || typeof value === "boolean" || integerIn(0, 5)(value),
  top_logprobs: integerIn(0, 20),
  stream: flag,
  stream_options: (value) =>
    value === null ||
    (isRecord(value) &&
      Object.keys(value).every((key) => key === "include_usage") &&
      flag(value.include_usage ?? null)),
  max_tokens: positiveInteger,
  max_completion_tokens: positiveInteger,
  max_output_tokens: positiveInteger,
};

const roles: ReadonlySet<unknown> = new Set(["system", "developer", "user", "assistant", "tool"]);

/** A chat message with a role and plain-text content (parts, tool calls: the schema decides). */
const plainMessage = (value: unknown): boolean => {
  if (!isRecord(value) || !roles.has(value.role)) return false;
  for (const key in value) {
    const field = value[key];
    if (key === "role") continue;
    if (key === "content") {
      if (field !== null && typeof field !== "string") return false;
    } else if (key === "name" || key === "tool_call_id") {
      if (typeof field !== "string") return false;
    } else return false;
  }
  return true;
};

// Maps, not object literals: a body's key (`__proto__`, `toString`) must never find an inherited member.
const checksOf = (fields: Record<string, FieldCheck>) =>
  new Map(Object.entries({ ...samplingChecks, ...fields }));

const routeChecks: Record<Route, ReadonlyMap<string, FieldCheck>> = {
  "/v1/chat/completions": checksOf({
    messages: (value) =>
      Array.isArray(value) && value.length >= 1 && value.length <= maxMessages && value.every(plainMessage),
    parallel_tool_calls: flag,
  }),
  "/v1/completions": checksOf({ prompt: text, echo: flag, suffix: nullableText, best_of: positiveInteger }),
  "/v1/responses": checksOf({
    input: text,
    instructions: nullableText,
    previous_response_id: nullableText,
    parallel_tool_calls: flag,
  }),
  "/infill": checksOf({
    input_prefix: nullableText,
    input_suffix: nullableText,
    prompt: nullableText,
    n_predict: integerIn(-1, Number.MAX_SAFE_INTEGER),
  }),
};

/** The fields each route's schema knows: one of these the checks above do not cover sends the body to it. */
const fieldsOf = (route: Route): ReadonlySet<string> =>
  new Set(Object.keys((openAiRequestSchemas[route] as unknown as { shape: Record<string, unknown> }).shape));
const knownFields: Record<Route, ReadonlySet<string>> = {
  "/v1/chat/completions": fieldsOf("/v1/chat/completions"),
  "/v1/completions": fieldsOf("/v1/completions"),
  "/v1/responses": fieldsOf("/v1/responses"),
  "/infill": fieldsOf("/infill"),
};

/**
 * Whether `body` is certainly valid for `route`'s schema, judged by plain checks of its common shape (text
 * messages, prompt or input; sampling numbers in range; unknown fields). True means the schema would accept
 * it too; false means only "look closer": the schema then decides, and words any refusal. It accepts a
 * subset of what the schema accepts, never more, so a refusal and its message are the schema's alone.
 */
export function acceptsAtAGlance(route: Route, body: Record<string, unknown>): boolean {
  const checks = routeChecks[route];
  const known = knownFields[route];
  for (const key in body) {
    const check = checks.get(key);
    if (check !== undefined) {
      if (!check(body[key])) return false;
    } else if (known.has(key)) return false;
  }
  // A field the schema requires must be there (an absent optional one is fine).
  if (route === "/v1/chat/completions") return body.messages !== undefined && body.model !== undefined;
  if (route === "/v1/completions") return body.prompt !== undefined && body.model !== undefined;
  if (route === "/v1/responses") return body.input !== undefined && body.model !== undefined;
  return body.model !== undefined;
}
