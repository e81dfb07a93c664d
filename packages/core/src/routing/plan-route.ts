import type { CatalogueModel } from "../config/models-catalogue.js";
import type { EvictionStrategy } from "../eviction/plan-eviction.js";
import type { FleetSnapshot } from "../fleet/fleet-snapshot.js";
import { buildIndexedFleet } from "../internal/build-indexed-fleet.js";
import { planColdLoad } from "../internal/plan-cold-load.js";
import { type IndexedFleet, type IndexedNode, isIndexedFleet } from "./indexed-fleet.js";
import { compareReplicaLoad, replicaLoad } from "./replica-load.js";
import { resolveAlias } from "./resolve-alias.js";
import {
  MODEL_RECOVERING_RETRY_AFTER_SECS,
  NO_CAPACITY_RETRY_AFTER_SECS,
  NO_HEALTHY_NODES_RETRY_AFTER_SECS,
  type PlanRouteResult,
  type RouteCandidate,
} from "./route-plan.js";

/** Options of {@link planRoute}. */
export interface PlanRouteOptions {
  /** How to pick models to evict when a cold load needs room. Default `lru`. */
  evictionStrategy?: EvictionStrategy;
  /**
   * Catalogue cold loads: build only the first this many candidates (default all). The ones built are
   * exactly the first of the full list; cortex, which tries at most `max_attempts` nodes, passes that, so
   * a cold decision on a large fleet skips eviction planning whenever enough nodes fit the model now.
   */
  maxColdCandidates?: number;
  /**
   * Breaks ties between equally loaded replicas by a hash of this salt and the node name instead of by
   * name alone. Each gateway passes its own (random at start), so gateways that decide between two polls
   * spread a burst over the idle replicas instead of all picking the first by name. Default: by name.
   */
  tieBreakSalt?: string;
}

/**
 * Plans where a request for `requestedModel` goes, as a pure function of one fleet snapshot
 * (docs/decisions/0004-capacity-aware-routing.md):
 * 1. aliases resolve first (one lookup);
 * 2. only healthy, non-draining nodes count; none → `no_healthy_nodes` (503, Retry-After 5), before any
 *    model check;
 * 3. replicas with the model `loaded` / `reloading`, least busy first by `replicaLoad` (full queues
 *    last, ties by name): the whole list, so cortex can fall through on backpressure;
 * 4. else nodes already loading it (the request waits for that load), then nodes that have it unloaded;
 * 5. else, if it is recovering (or `stalled`: its worker is being replaced) somewhere, `model_recovering`
 *    (503, Retry-After 2): the route is held, never re-placed;
 * 6. else nodes that have it unloaded (most free VRAM first), served there by an on-demand load;
 * 7. else a catalogue model is cold-loaded on feasible nodes (see `planColdLoad`), or `no_feasible_node`;
 * 8. else `model_not_found`.
 * Same input, same plan: every order is total.
 *
 * `fleet` is a snapshot or its `indexFleet` index; both give the same plan. A snapshot costs a pass over
 * every model on every node per call; on an index, routing to a model that nodes report costs O(nodes
 * reporting it), so index once per snapshot when deciding more than once.
 */
export function planRoute(
  fleet: FleetSnapshot | IndexedFleet,
  requestedModel: string,
  catalogue: readonly CatalogueModel[],
  aliases: Readonly<Record<string, string>>,
  options: PlanRouteOptions = {},
): PlanRouteResult {
  const model = resolveAlias(requestedModel, aliases);
  const indexed = isIndexedFleet(fleet) ? fleet : buildIndexedFleet(fleet, model);
  const names = { model, requested: requestedModel };
  if (indexed.routableCount === 0) {
    return {
      ok: false,
      refusal: { kind: "no_healthy_nodes", ...names, retryAfterSecs: NO_HEALTHY_NODES_RETRY_AFTER_SECS },
    };
  }
  const holders = indexed.holders.get(model);
  if (holders !== undefined) {
    const serving = routableAt(indexed, holders.serving);
    if (serving.length > 0) {
      return { ok: true, plan: { ...names, candidates: rankReplicas(serving, model, options.tieBreakSalt) } };
    }
    const unloaded = routableAt(indexed, holders.unloaded).sort(byFreeVramThenName);
    const loading = routableAt(indexed, holders.loading);
    if (loading.length > 0) {
      const candidates = [
        ...loading.map((node) => onNode(node, model, "loading_on_node")),
        ...unloaded.map((node) => onNode(node, model, "unloaded_on_node")),
      ];
      return { ok: true, plan: { ...names, candidates } };
    }
    const recovering = routableAt(indexed, holders.recovering)[0];
    if (recovering !== undefined) {
      return {
        ok: false,
        refusal: {
          kind: "model_recovering",
          ...names,
          node: recovering.node.name,
          retryAfterSecs: MODEL_RECOVERING_RETRY_AFTER_SECS,
        },
      };
    }
    if (unloaded.length > 0) {
      return {
        ok: true,
        plan: { ...names, candidates: unloaded.map((node) => onNode(node, model, "unloaded_on_node")) },
      };
    }
  }

  const profile = catalogue.find((entry) => entry.id === model);
  if (profile === undefined) return { ok: false, refusal: { kind: "model_not_found", ...names } };
  const cold = planColdLoad(
    profile,
    coldTargets(indexed, holders?.reporting),
    catalogue,
    options.evictionStrategy ?? "lru",
    options.maxColdCandidates,
  );
  if (cold.ok) return { ok: true, plan: { ...names, candidates: cold.candidates } };
  return {
    ok: false,
    refusal: {
      kind: "no_feasible_node",
      ...names,
      cause: cold.cause,
      ...(cold.cause === "capacity" ? { retryAfterSecs: NO_CAPACITY_RETRY_AFTER_SECS } : {}),
    },
  };
}

/** Routable nodes that report the model in no status (never a cold-load target), in snapshot order. */
function coldTargets(indexed: IndexedFleet, reporting: readonly number[] | undefined): IndexedNode[] {
  const skip = reporting === undefined || reporting.length === 0 ? undefined : new Set(reporting);
  const targets: IndexedNode[] = [];
  for (let position = 0; position < indexed.nodes.length; position += 1) {
    const entry = indexed.nodes[position];
    if (entry?.routable === true && skip?.has(position) !== true) targets.push(entry);
  }
  return targets;
}

/** The routable nodes among `positions`, in their order. */
function routableAt(indexed: IndexedFleet, positions: readonly number[]): IndexedNode[] {
  const found: IndexedNode[] = [];
  for (const position of positions) {
    const entry = indexed.nodes[position];
    if (entry?.routable === true) found.push(entry);
  }
  return found;
}

/**
 * Serving replicas as candidates, least busy first; equal loads by `tieBreakSalt`'s order, then by name
 * (they come in name order, so the sort is total either way).
 */
function rankReplicas(
  replicas: readonly IndexedNode[],
  model: string,
  tieBreakSalt: string | undefined,
): RouteCandidate[] {
  const candidates = replicas.map((entry): RouteCandidate => {
    const { busy, score, queueFull } = replicaLoad(entry.node.load?.find((load) => load.id === model));
    return {
      node: entry.node.name,
      busy,
      score,
      queueFull,
      coldLoad: false,
      reason: "least_busy",
      evict: [],
    };
  });
  // One replica (the common case) needs no order, and no tie-break ranks are hashed for it.
  if (candidates.length < 2) return candidates;
  if (tieBreakSalt === undefined) return candidates.sort(compareReplicaLoad);
  const tieRank = new Map(
    candidates.map((candidate) => [candidate.node, saltedRank(tieBreakSalt, candidate.node)]),
  );
  return candidates.sort((a, b) => {
    const byLoad = compareReplicaLoad(a, b);
    if (a.queueFull !== b.queueFull || a.score !== b.score || a.busy !== b.busy) return byLoad;
    return (tieRank.get(a.node) ?? 0) - (tieRank.get(b.node) ?? 0) || byLoad;
  });
}

/** FNV-1a (32-bit) of salt and name: a per-gateway order of the nodes, the same on every call. */
function saltedRank(salt: string, name: string): number {
  let hash = 0x811c9dc5;
  const text = `${salt}\u0000${name}`;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A node that knows the model but is not serving it yet: the neuron loads it by its own id. */
function onNode(
  entry: IndexedNode,
  model: string,
  reason: "loading_on_node" | "unloaded_on_node",
): RouteCandidate {
  const free = entry.freeVramMb;
  return {
    node: entry.node.name,
    coldLoad: true,
    reason,
    score: 0,
    busy: 0,
    queueFull: false,
    loadSpec: { model_id: model },
    ...(free === undefined ? {} : { freeVramMb: free }),
    evict: [],
  };
}

/** Most free VRAM first (unknown last), then name; stable, so equal names keep their order. */
function byFreeVramThenName(a: IndexedNode, b: IndexedNode): number {
  const aFree = a.freeVramMb ?? Number.NEGATIVE_INFINITY;
  const bFree = b.freeVramMb ?? Number.NEGATIVE_INFINITY;
  if (aFree !== bFree) return aFree > bFree ? -1 : 1;
  return a.node.name < b.node.name ? -1 : a.node.name > b.node.name ? 1 : 0;
}
