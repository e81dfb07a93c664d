/**
 * The routes that generate text, each with its own canonical output-limit field: the OpenAI-shaped ones
 * and llama.cpp's `/infill` (fill-in-the-middle for editors).
 */
export type GenerationRoute = "/v1/chat/completions" | "/v1/completions" | "/v1/responses" | "/infill";

/** The request fields that can bound a reply's length, on any route. */
export type OutputLimitField = "max_completion_tokens" | "max_tokens" | "max_output_tokens" | "n_predict";

/** Each route's own field; it is read first and is the one cortex writes into the forwarded body. */
export const CANONICAL_OUTPUT_LIMIT_FIELD: Readonly<Record<GenerationRoute, OutputLimitField>> = {
  "/v1/chat/completions": "max_completion_tokens",
  "/v1/completions": "max_tokens",
  "/v1/responses": "max_output_tokens",
  "/infill": "n_predict",
};

const FIELD_ORDER: readonly OutputLimitField[] = ["max_completion_tokens", "max_tokens", "max_output_tokens"];

/** OpenAI's default for the legacy completions route when `max_tokens` is absent. */
export const DEFAULT_COMPLETIONS_MAX_TOKENS = 16;

/** When neither the request, the model nor its context says how long a reply may be. */
export const DEFAULT_OUTPUT_LIMIT = 4096;

/**
 * The output limit a request asks for, read the same way by cortex and the neuron: the route's
 * canonical field first (chat `max_completion_tokens`, completions `max_tokens`, Responses
 * `max_output_tokens`, `/infill` `n_predict`), then the others in the order `max_completion_tokens`,
 * `max_tokens`, `max_output_tokens` (`n_predict` only on `/infill`). The first finite number ≥ 1 wins (rounded down); null, absent and anything else
 * are skipped (rejecting bad values is request validation's job; llama.cpp's `n_predict: -1`, "until
 * done", asks for no limit). Anthropic `max_tokens` arrives as
 * chat `max_tokens` once converted. Undefined when no field asks.
 */
export function requestedOutputLimit(
  route: GenerationRoute,
  body: Record<string, unknown>,
): number | undefined {
  // llama.cpp clients send `n_predict: 0` to have a prompt evaluated (cached) without a reply: hold one token.
  if (route === "/infill" && body.n_predict === 0) return 1;
  const canonical = CANONICAL_OUTPUT_LIMIT_FIELD[route];
  for (const field of [canonical, ...FIELD_ORDER.filter((name) => name !== canonical)]) {
    const value = body[field];
    if (typeof value === "number" && Number.isFinite(value) && value >= 1) return Math.floor(value);
  }
  return undefined;
}

/** What {@link resolveOutputLimit} knows about the model and the prompt. */
export interface OutputLimitContext {
  /** The model's context window in tokens; unknown: no clamp by context. */
  contextTokens?: number | undefined;
  /** The prompt's tokens (exact or estimated); 0 when unknown. */
  promptTokens?: number | undefined;
  /** The model's own output cap (`limit.output`), if it has one. */
  modelOutputLimit?: number | undefined;
}

/**
 * The most tokens a request may generate: what it asks for (see {@link requestedOutputLimit}), else the
 * route's default (16 on `/v1/completions`, as OpenAI; elsewhere the room left in the context), never
 * more than the model's output cap nor the room the prompt leaves in the context (context − prompt − 1,
 * the token llama.cpp needs before it would shift), and never below 1. With no context and no cap
 * known, an absent limit defaults to {@link DEFAULT_OUTPUT_LIMIT}.
 *
 * Cortex reserves budget for exactly this and writes it into the forwarded body's canonical field, so
 * the neuron, which clamps to the same room with the exact prompt, never generates more.
 */
export function resolveOutputLimit(
  route: GenerationRoute,
  body: Record<string, unknown>,
  context: OutputLimitContext = {},
): number {
  const room = roomLeft(context);
  const cap = positive(context.modelOutputLimit);
  const requested =
    requestedOutputLimit(route, body) ??
    (route === "/v1/completions" ? DEFAULT_COMPLETIONS_MAX_TOKENS : (room ?? cap ?? DEFAULT_OUTPUT_LIMIT));
  return Math.max(1, Math.min(requested, cap ?? requested, room ?? requested));
}

function roomLeft(context: OutputLimitContext): number | undefined {
  const contextTokens = positive(context.contextTokens);
  if (contextTokens === undefined) return undefined;
  const prompt = Math.max(0, Math.ceil(context.promptTokens ?? 0));
  return Math.max(1, contextTokens - prompt - 1);
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : undefined;
}
