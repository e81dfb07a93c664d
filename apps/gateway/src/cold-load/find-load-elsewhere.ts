import type { FleetState } from "../fleet/fleet-state.js";
import type { NodeState } from "../fleet/node-state.js";

/** Where another gateway (or anyone) already has a model loading or loaded. */
export interface LoadElsewhere {
  node: NodeState;
  /** The id that node reports it under (the catalogue id, or the qualified `source:id` it was loaded by). */
  modelId: string;
  status: "loaded" | "loading";
}

/**
 * A routable node other than `exclude` that reports `ids` (any of them) as loaded, reloading or loading,
 * as this gateway last polled it: serving nodes first, then loading ones, each by name, so two gateways
 * looking at the same fleet pick the same node.
 */
export function findLoadElsewhere(
  fleet: FleetState,
  ids: readonly string[],
  exclude: string,
): LoadElsewhere | undefined {
  let best: LoadElsewhere | undefined;
  for (const node of fleet.nodes) {
    if (node.name === exclude || !node.healthy || node.draining) continue;
    for (const id of ids) {
      const status = node.models.get(id)?.status;
      const found =
        status === "loaded" || status === "reloading"
          ? "loaded"
          : status === "loading"
            ? "loading"
            : undefined;
      if (found === undefined) continue;
      const candidate: LoadElsewhere = { node, modelId: id, status: found };
      if (best === undefined || ranksBefore(candidate, best)) best = candidate;
      break;
    }
  }
  return best;
}

function ranksBefore(a: LoadElsewhere, b: LoadElsewhere): boolean {
  if (a.status !== b.status) return a.status === "loaded";
  return a.node.name < b.node.name;
}

/** Whether `node` already reports one of `ids` as loading or serving (the request joins that load). */
export function reportsLoad(node: NodeState, ids: readonly string[]): boolean {
  return ids.some((id) => {
    const status = node.models.get(id)?.status;
    return status === "loading" || status === "loaded" || status === "reloading";
  });
}
