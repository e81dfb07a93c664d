import {
  type CatalogueModel,
  clientAdvice,
  contextLengthExceeded,
  estimatePromptTokens,
  type GenerationRoute,
  type ModelLoad,
  PREFIX_BLOCK_CHARS,
  type PromptField,
  prefixBlockHashes,
  promptTokensUpperBound,
  type RouteCandidate,
  rankByCache,
  requestedChoices,
  reservationTokens,
  resolveOutputLimit,
  summarizePrefixBlocks,
} from "@helexa/core";
import type { FleetState } from "../../fleet/fleet-state.js";
import { clientHeader } from "../../internal/client-headers.js";
import type { CortexMetrics } from "../../metrics/create-cortex-metrics.js";
import type { DispatchRequest, UpstreamRoute } from "../dispatch.js";

/*
 * Dispatch's planning stage, in the order `createDispatch` runs it after core's `planRoute` has ordered the
 * replicas of `FleetState.snapshot()`: the prompt check that drops replicas whose context cannot hold it
 * (`preValidate`), the cache-aware order among the rest (`createPrefixCacheRanker`), and the budget hold
 * (`planReservation`). Nothing here touches a neuron.
 */

/** Candidates whose context can hold the prompt, and the estimate used (null when no limit is known). */
export interface PreValidation {
  candidates: RouteCandidate[];
  estimate: number | null;
}

/**
 * Fail-fast prompt check, so an over-long prompt is refused before it holds a slot: estimates the prompt (calibrated by the neuron's
 * measured characters per token when one is reported) and drops candidates whose advertised context
 * (the neuron's `limit.context`, else the catalogue's) is smaller. If none is left, throws 400
 * `context_length_exceeded` with `max` and `estimated_prompt_tokens`, plus `X-Helexa-Advice` for known
 * clients; its `param` names the route's prompt field (`messages`, `prompt` or `input`). Skipped when no
 * candidate has a known limit. No neuron is touched.
 */
export function preValidate(
  fleet: FleetState,
  model: string,
  candidates: RouteCandidate[],
  body: unknown,
  userAgent: string | null,
  route: UpstreamRoute,
): PreValidation {
  const profile = fleet.catalogueModel(model);
  const contexts = candidates.map((candidate) => contextOf(fleet, candidate.node, model, profile));
  if (contexts.every((context) => context === undefined)) return { candidates, estimate: null };
  const estimate = estimatePromptTokens(body, { charsPerToken: charsPerToken(fleet, candidates, model) });
  const fitting = candidates.filter((_, index) => {
    const context = contexts[index];
    return context === undefined || estimate <= context;
  });
  if (fitting.length > 0) return { candidates: fitting, estimate };
  const max = Math.max(...contexts.map((context) => context ?? 0));
  const error = contextLengthExceeded(max, estimate, true, promptFieldOf(route));
  const advice = clientAdvice(userAgent);
  throw advice === undefined ? error : error.withHeaders({ "x-helexa-advice": advice });
}

/** The request field that holds the prompt on `route` (Anthropic clients arrive as chat: `messages`). */
function promptFieldOf(route: UpstreamRoute): PromptField {
  if (route === "/v1/completions" || route === "/infill") return "prompt";
  if (route === "/v1/responses") return "input";
  return "messages";
}

function contextOf(
  fleet: FleetState,
  nodeName: string,
  model: string,
  profile: CatalogueModel | undefined,
): number | undefined {
  return fleet.node(nodeName)?.models.get(model)?.limit?.context ?? profile?.limit?.context;
}

/**
 * The first measured characters-per-token among the candidates (one model, one tokenizer), never below
 * 1: a neuron's ratio over short chat prompts is dragged down by template tokens, and an estimate that
 * over-counts would refuse prompts that fit. (No tokenizer averages under one UTF-8 byte per token.)
 */
function charsPerToken(fleet: FleetState, candidates: RouteCandidate[], model: string): number | undefined {
  for (const candidate of candidates) {
    const ratio = fleet.node(candidate.node)?.load.get(model)?.chars_per_token;
    if (ratio !== undefined) return Math.max(MIN_CHARS_PER_TOKEN, ratio);
  }
  return undefined;
}

const MIN_CHARS_PER_TOKEN = 1;

/** `[routing]` in `cortex.toml`. */
export interface RoutingSettings {
  strategy: "cache_aware" | "least_busy";
  /** The load bound of a cache-aware choice (`load_factor`). */
  loadFactor: number;
}

/**
 * How long cortex counts a prompt it routed as held by that replica before a poll shows it: a
 * conversation's next turn often comes before the next `/health` poll (2 s) has seen its last one.
 */
export const SPECULATIVE_TTL_MS = 10_000;
/** Most prompts remembered per replica and model that way. */
const SPECULATIVE_PER_REPLICA = 16;

/** Orders a request's candidates for `[routing]` (the identity for `least_busy`). */
export type PrefixCacheRanker = (
  model: string,
  candidates: RouteCandidate[],
  request: DispatchRequest,
) => RouteCandidate[];

/**
 * With `cache_aware` routing and two or more warm replicas: the request's prefix blocks, computed once
 * here from the body the neuron gets, matched by `rankByCache` (within the load bound, the request's
 * session hint as affinity) against each replica's polled `prefix_cache` plus the prompts cortex routed
 * there in the last {@link SPECULATIVE_TTL_MS} (as llm-d's speculative index does). Counts the expected
 * cached tokens of the chosen replica (`cortex_route_cache_hit_tokens_total`).
 */
export function createPrefixCacheRanker(
  fleet: FleetState,
  settings: RoutingSettings | undefined,
  metrics: CortexMetrics,
  now: () => number,
): PrefixCacheRanker {
  const routed = new Map<string, Array<{ at: number; blocks: string[] }>>();
  const loadWithRouted = (node: string, model: string): ModelLoad | undefined => {
    const polled = fleet.node(node)?.load.get(model);
    const recent = routed.get(`${node}\n${model}`);
    if (recent === undefined || recent.length === 0) return polled;
    const base = polled ?? { id: model, in_flight: 0, queue_depth: 0 };
    const held = base.prefix_cache?.block_chars === PREFIX_BLOCK_CHARS ? base.prefix_cache.sequences : [];
    return {
      ...base,
      prefix_cache: {
        block_chars: PREFIX_BLOCK_CHARS,
        sequences: [...held, ...recent.map((entry) => entry.blocks)],
      },
    };
  };
  const remember = (node: string, model: string, blocks: string[]) => {
    const key = `${node}\n${model}`;
    const cutoff = now() - SPECULATIVE_TTL_MS;
    const recent = (routed.get(key) ?? []).filter((entry) => entry.at >= cutoff);
    recent.push({ at: now(), blocks: summarizePrefixBlocks(blocks) });
    routed.set(key, recent.slice(-SPECULATIVE_PER_REPLICA));
  };
  return (model, candidates, request) => {
    if (settings?.strategy !== "cache_aware" || candidates.length < 2 || candidates[0]?.coldLoad)
      return candidates;
    const blocks = prefixBlockHashes(request.route, request.body);
    const ranking = rankByCache(
      candidates.map((candidate) => withFreshLoad(fleet, candidate, model)),
      (node) => loadWithRouted(node, model),
      { blocks, blockChars: PREFIX_BLOCK_CHARS, session: sessionHint(request) },
      { loadFactor: settings.loadFactor },
    );
    const chosen = ranking.candidates[0];
    if (chosen === undefined) return candidates;
    if (ranking.expectedCachedTokens > 0)
      metrics.cacheHitTokens.inc({ model, node: chosen.node }, ranking.expectedCachedTokens);
    if (blocks.length > 0) remember(chosen.node, model, blocks);
    // planRoute's own candidates, in its order, behind the chosen one.
    const first = candidates.find((candidate) => candidate.node === chosen.node) ?? chosen;
    return [first, ...candidates.filter((candidate) => candidate !== first)];
  };
}

/**
 * The candidate with its load less the requests this cortex sent there before the last poll that have
 * finished since (`freshReplicaLoad`): polled numbers lag up to a poll interval, and at low load a
 * finished turn still counted turned its conversation's next turn away from the replica holding it.
 */
function withFreshLoad(fleet: FleetState, candidate: RouteCandidate, model: string): RouteCandidate {
  const node = fleet.node(candidate.node);
  if (node === undefined) return candidate;
  const fresh = fleet.freshReplicaLoad(node, model);
  if (fresh >= candidate.busy) return candidate;
  const slots = Math.max(1, node.load.get(model)?.max_in_flight ?? 1);
  return { ...candidate, busy: fresh, score: fresh / slots };
}

/** OpenAI's `user`, Anthropic's `metadata.user_id`, or an `x-session-id` header: whichever comes first. */
function sessionHint(request: DispatchRequest): string | undefined {
  const user = request.body.user;
  if (typeof user === "string" && user !== "") return user;
  const original = request.originalBody;
  if (typeof original === "object" && original !== null && "metadata" in original) {
    const metadata = (original as { metadata?: unknown }).metadata;
    const id =
      typeof metadata === "object" && metadata !== null
        ? (metadata as { user_id?: unknown }).user_id
        : undefined;
    if (typeof id === "string" && id !== "") return id;
  }
  const header = clientHeader(request.headers, "x-session-id");
  return header === null || header === "" ? undefined : header;
}

/** What cortex holds for a request and the output limit the neuron is held to. */
export interface ReservationPlan {
  /** Tokens to reserve: an upper bound of the prompt plus `outputLimit` per choice (see `reservationTokens`). */
  tokens: number;
  /** Per choice; written into the forwarded body's canonical field (`CANONICAL_OUTPUT_LIMIT_FIELD`). */
  outputLimit: number;
  /** The part of `tokens` held for the prompt. */
  promptTokens: number;
}

/**
 * Decides a metered request's hold (see `docs/decisions/0003-usage-ledger.md`): the output limit is
 * core's `resolveOutputLimit` over the route's fields, clamped by the largest context and output cap the
 * candidates advertise and by the calibrated prompt estimate; the prompt is held at
 * `promptTokensUpperBound` (never below the true count), so the hold covers whatever the neuron can use;
 * a request for `n` choices holds the output limit once per choice (`requestedChoices`).
 */
export function planReservation(
  fleet: FleetState,
  model: string,
  candidates: readonly RouteCandidate[],
  request: DispatchRequest,
  route: GenerationRoute,
  promptEstimate: number,
): ReservationPlan {
  const profile = fleet.catalogueModel(model);
  let contextTokens: number | undefined;
  let modelOutputLimit: number | undefined;
  for (const candidate of candidates) {
    const limit = fleet.node(candidate.node)?.models.get(model)?.limit;
    contextTokens = larger(contextTokens, limit?.context ?? profile?.limit?.context);
    modelOutputLimit = larger(modelOutputLimit, limit?.output ?? profile?.limit?.output);
  }
  if (candidates.length === 0) {
    contextTokens = profile?.limit?.context;
    modelOutputLimit = profile?.limit?.output;
  }
  const outputLimit = resolveOutputLimit(route, request.body, {
    contextTokens,
    promptTokens: promptEstimate,
    modelOutputLimit,
  });
  // The client's own body bounds the prompt; a translated (Anthropic) body may carry more JSON, so the
  // larger of the two is held.
  const original = request.originalBody ?? request.rawBody ?? request.body;
  const tools = Array.isArray(request.body.tools) && request.body.tools.length > 0;
  const infillChunks = Array.isArray(request.body.input_extra) ? request.body.input_extra.length : 0;
  let prompt = promptTokensUpperBound(original, { tools, infillChunks });
  if (request.originalBody !== undefined) {
    prompt = Math.max(prompt, promptTokensUpperBound(request.body, { tools, infillChunks }));
  }
  const tokens = reservationTokens({
    promptTokens: prompt,
    outputTokens: outputLimit,
    contextTokens,
    choices: requestedChoices(route, request.body),
  });
  return { tokens, outputLimit, promptTokens: Math.min(tokens, prompt) };
}

function larger(current: number | undefined, next: number | undefined): number | undefined {
  if (next === undefined) return current;
  return current === undefined ? next : Math.max(current, next);
}
