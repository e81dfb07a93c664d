import { DEFAULT_CHARS_PER_TOKEN } from "../estimate/estimate-prompt-tokens.js";
import { chainHash } from "../internal/chain-hash.js";
import type { RouteCandidate } from "../routing/route-plan.js";
import type { ModelLoad } from "../wire/health.js";
import type { PrefixCacheSummary } from "./prefix-cache-summary.js";

/** What cache-aware routing knows of one request, computed once per request. */
export interface CacheRouteRequest {
  /** The request's chained block hashes (`prefixBlockHashes`). */
  blocks: readonly string[];
  /** Characters per block they were cut at. */
  blockChars: number;
  /** A session hint (`user`, Anthropic `metadata.user_id`, `x-session-id`): affinity when no prefix matches. */
  session?: string | undefined;
}

/** Options of {@link rankByCache}. */
export interface RankByCacheOptions {
  /**
   * The load bound ε + 1: a replica without a free sequence is chosen for its cache (or session) only
   * while its load after this request stays within `ceil(loadFactor × (total load + 1) / replicas)`, as in
   * consistent hashing with bounded loads. Default 1.25 (KubeAI's 125 %).
   */
  loadFactor?: number;
}

/** The candidates reordered by {@link rankByCache}, and why the first is first. */
export interface CacheRanking {
  candidates: RouteCandidate[];
  /** Prompt tokens expected to be cached on the first candidate (0 unless `basis` is `prefix`). */
  expectedCachedTokens: number;
  /** `prefix`: the longest cached prefix; `session`: the session's replica; `load`: `planRoute`'s order kept. */
  basis: "prefix" | "session" | "load";
}

export const DEFAULT_CACHE_LOAD_FACTOR = 1.25;

/**
 * Cache-aware choice among `planRoute`'s candidates (pure; same input, same output). Among warm replicas
 * whose queue is not full and that have a free sequence or stay within the load bound after this request
 * (consistent hashing with bounded loads, which alone would turn away a replica running 1 of its 2
 * sequences while the fleet is nearly idle), the one expected to
 * hold the most of the prompt goes first; ties and no match at all go to the session's replica
 * (rendezvous hashing of the session hint over those replicas), then to `planRoute`'s order. Every other
 * candidate keeps its order behind it, for fall-through. A replica over the bound, a cold plan or a
 * request without blocks or session keeps `planRoute`'s order: load wins. A busy replica within the bound
 * may still be chosen: waiting briefly for its sequence beats recomputing a long prompt elsewhere.
 * `loadOf` gives a candidate's polled load for the model (with its `prefix_cache`).
 */
export function rankByCache(
  candidates: readonly RouteCandidate[],
  loadOf: (node: string) => ModelLoad | undefined,
  request: CacheRouteRequest,
  options: RankByCacheOptions = {},
): CacheRanking {
  const unchanged: CacheRanking = { candidates: [...candidates], expectedCachedTokens: 0, basis: "load" };
  if (request.blocks.length === 0 && request.session === undefined) return unchanged;
  const warm = candidates.filter((candidate) => !candidate.coldLoad && !candidate.queueFull);
  if (warm.length < 2) return unchanged;
  const totalBusy = warm.reduce((sum, candidate) => sum + candidate.busy, 0);
  const factor = options.loadFactor ?? DEFAULT_CACHE_LOAD_FACTOR;
  const bound = Math.ceil((factor * (totalBusy + 1)) / warm.length);
  let best: RouteCandidate | undefined;
  let bestTokens = 0;
  let bestAffinity = "";
  for (const candidate of warm) {
    // A free sequence is always room; beyond that, the bound (polled loads lag, and lag more at low load).
    if (candidate.score >= 1 && candidate.busy + 1 > bound) continue;
    const load = loadOf(candidate.node);
    const tokens = expectedCachedTokens(load, request);
    const affinity =
      request.session === undefined ? "" : chainHash(`${request.session}\n${candidate.node}`, undefined);
    if (best === undefined || tokens > bestTokens || (tokens === bestTokens && affinity > bestAffinity)) {
      best = candidate;
      bestTokens = tokens;
      bestAffinity = affinity;
    }
  }
  if (best === undefined || (bestTokens === 0 && request.session === undefined)) return unchanged;
  const chosen = best;
  return {
    candidates: [chosen, ...candidates.filter((candidate) => candidate !== chosen)],
    expectedCachedTokens: bestTokens,
    basis: bestTokens > 0 ? "prefix" : "session",
  };
}

/** Tokens of the request's prefix that one replica's summary says it holds (whole blocks). */
export function expectedCachedTokens(load: ModelLoad | undefined, request: CacheRouteRequest): number {
  const summary = load?.prefix_cache as PrefixCacheSummary | undefined;
  if (summary === undefined || summary.block_chars !== request.blockChars) return 0;
  const held = heldHashes(summary);
  for (let index = request.blocks.length - 1; index >= 0; index--) {
    if (held.has(request.blocks[index] as string)) {
      const charsPerToken = load?.chars_per_token ?? DEFAULT_CHARS_PER_TOKEN;
      return Math.floor(((index + 1) * request.blockChars) / charsPerToken);
    }
  }
  return 0;
}

// A summary is polled once and matched by many requests: its set is built once per summary object.
const sets = new WeakMap<PrefixCacheSummary, ReadonlySet<string>>();

function heldHashes(summary: PrefixCacheSummary): ReadonlySet<string> {
  let held = sets.get(summary);
  if (held === undefined) {
    held = new Set(summary.sequences.flat());
    sets.set(summary, held);
  }
  return held;
}
