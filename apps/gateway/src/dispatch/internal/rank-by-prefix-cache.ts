import {
  type ModelLoad,
  PREFIX_BLOCK_CHARS,
  prefixBlockHashes,
  type RouteCandidate,
  rankByCache,
  summarizePrefixBlocks,
} from "@helexa/core";
import type { FleetState } from "../../fleet/fleet-state.js";
import { clientHeader } from "../../internal/client-headers.js";
import type { CortexMetrics } from "../../metrics/create-cortex-metrics.js";
import type { DispatchRequest } from "../dispatch.js";

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
