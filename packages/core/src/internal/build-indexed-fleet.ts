import type { FleetSnapshot } from "../fleet/fleet-snapshot.js";
import type { IndexedFleet, IndexedNode } from "../routing/indexed-fleet.js";
import { groupModelHolders } from "./group-model-holders.js";
import { indexFleetNode } from "./index-fleet-node.js";

/**
 * A fresh index of `snapshot`. With `only`, its groups hold just that model: enough for one decision
 * about it, at the cost of one pass over the models without building every model's groups.
 */
export function buildIndexedFleet(snapshot: FleetSnapshot, only?: string): IndexedFleet {
  const nodes = snapshot.nodes.map(indexFleetNode);
  return {
    kind: "indexed_fleet",
    snapshot,
    nodes,
    routableCount: countRoutable(nodes),
    holders: groupModelHolders(nodes, only),
  };
}

export function countRoutable(nodes: readonly IndexedNode[]): number {
  let routable = 0;
  for (const node of nodes) if (node.routable) routable += 1;
  return routable;
}
