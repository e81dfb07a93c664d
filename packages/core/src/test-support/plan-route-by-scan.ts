import type { CatalogueModel } from "../config/models-catalogue.js";
import {
  type FleetModelEntry,
  type FleetNode,
  type FleetSnapshot,
  isNodeRoutable,
} from "../fleet/fleet-snapshot.js";
import type { PlanRouteOptions } from "../routing/plan-route.js";
import { compareReplicaLoad, replicaLoad } from "../routing/replica-load.js";
import { resolveAlias } from "../routing/resolve-alias.js";
import {
  MODEL_RECOVERING_RETRY_AFTER_SECS,
  NO_CAPACITY_RETRY_AFTER_SECS,
  NO_HEALTHY_NODES_RETRY_AFTER_SECS,
  type PlanRouteResult,
  type RouteCandidate,
} from "../routing/route-plan.js";
import { freeVramMb } from "../routing/select-load-devices.js";
import { planColdLoadByScan } from "./plan-cold-load-by-scan.js";

/**
 * `planRoute` as it was before the fleet index: every rule scans every routable node's whole model list.
 * Kept as the reference the indexed planner must match exactly (see the property tests); not shipped.
 */
export function planRouteByScan(
  snapshot: FleetSnapshot,
  requestedModel: string,
  catalogue: readonly CatalogueModel[],
  aliases: Readonly<Record<string, string>>,
  options: PlanRouteOptions = {},
): PlanRouteResult {
  const model = resolveAlias(requestedModel, aliases);
  const names = { model, requested: requestedModel };
  const nodes = snapshot.nodes.filter(isNodeRoutable);
  if (nodes.length === 0) {
    return {
      ok: false,
      refusal: { kind: "no_healthy_nodes", ...names, retryAfterSecs: NO_HEALTHY_NODES_RETRY_AFTER_SECS },
    };
  }
  const holding = (statuses: readonly FleetModelEntry["status"][]) =>
    nodes
      .filter((node) =>
        (node.models ?? []).some((entry) => entry.id === model && statuses.includes(entry.status)),
      )
      .sort(byName);

  const loaded = holding(["loaded", "reloading"]);
  if (loaded.length > 0) {
    const ranked = loaded
      .map((node) => ({ node: node.name, ...replicaLoad(node.load?.find((load) => load.id === model)) }))
      .sort(compareReplicaLoad);
    const candidates = ranked.map(
      (load): RouteCandidate => ({ ...load, coldLoad: false, reason: "least_busy", evict: [] }),
    );
    return { ok: true, plan: { ...names, candidates } };
  }

  const unloaded = holding(["unloaded"]).sort(byFreeVramThenName);
  const loading = holding(["loading"]);
  if (loading.length > 0) {
    const candidates = [
      ...loading.map((node) => onNode(node, model, "loading_on_node")),
      ...unloaded.map((node) => onNode(node, model, "unloaded_on_node")),
    ];
    return { ok: true, plan: { ...names, candidates } };
  }

  const recovering = holding(["recovering", "stalled"])[0];
  if (recovering !== undefined) {
    return {
      ok: false,
      refusal: {
        kind: "model_recovering",
        ...names,
        node: recovering.name,
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

  const profile = catalogue.find((entry) => entry.id === model);
  if (profile === undefined) return { ok: false, refusal: { kind: "model_not_found", ...names } };
  const unreported = nodes.filter((node) => !(node.models ?? []).some((entry) => entry.id === model));
  const cold = planColdLoadByScan(profile, unreported, catalogue, options.evictionStrategy ?? "lru");
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

/** A node that knows the model but is not serving it yet: the neuron loads it by its own id. */
function onNode(
  node: FleetNode,
  model: string,
  reason: "loading_on_node" | "unloaded_on_node",
): RouteCandidate {
  const free = freeVramMb(node, null);
  return {
    node: node.name,
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

function byName(a: FleetNode, b: FleetNode): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function byFreeVramThenName(a: FleetNode, b: FleetNode): number {
  const aFree = freeVramMb(a, null) ?? Number.NEGATIVE_INFINITY;
  const bFree = freeVramMb(b, null) ?? Number.NEGATIVE_INFINITY;
  if (aFree !== bFree) return aFree > bFree ? -1 : 1;
  return byName(a, b);
}
