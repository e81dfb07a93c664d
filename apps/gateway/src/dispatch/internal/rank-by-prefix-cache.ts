import { PREFIX_BLOCK_CHARS, prefixBlockHashes, type RouteCandidate, rankByCache } from "@helexa/core";
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
 * With `cache_aware` routing and two or more warm replicas: the request's prefix blocks, computed once
 * here from the body the neuron gets, matched against each replica's polled `prefix_cache` by
 * `rankByCache` (within the load bound), with the request's session hint as affinity. Counts the
 * expected cached tokens of the chosen replica (`cortex_route_cache_hit_tokens_total`). Otherwise the
 * candidates stay in `planRoute`'s least-busy order.
 */
export function rankByPrefixCache(
  fleet: FleetState,
  model: string,
  candidates: RouteCandidate[],
  request: DispatchRequest,
  settings: RoutingSettings | undefined,
  metrics: CortexMetrics,
): RouteCandidate[] {
  if (settings?.strategy !== "cache_aware" || candidates.length < 2 || candidates[0]?.coldLoad)
    return candidates;
  const ranking = rankByCache(
    candidates,
    (node) => fleet.node(node)?.load.get(model),
    {
      blocks: prefixBlockHashes(request.route, request.body),
      blockChars: PREFIX_BLOCK_CHARS,
      session: sessionHint(request),
    },
    { loadFactor: settings.loadFactor },
  );
  const chosen = ranking.candidates[0];
  if (chosen !== undefined && ranking.expectedCachedTokens > 0)
    metrics.cacheHitTokens.inc({ model, node: chosen.node }, ranking.expectedCachedTokens);
  return ranking.candidates;
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
