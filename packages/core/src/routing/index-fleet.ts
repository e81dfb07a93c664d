import type { FleetSnapshot } from "../fleet/fleet-snapshot.js";
import { buildIndexedFleet, countRoutable } from "../internal/build-indexed-fleet.js";
import { holdsTheSame, indexFleetNode } from "../internal/index-fleet-node.js";
import type { IndexedFleet, IndexedNode } from "./indexed-fleet.js";

/**
 * Indexes a fleet snapshot for `planRoute`: model id → the nodes reporting it by status, and per node its
 * routability and total free VRAM. A full build is O(every model on every node).
 *
 * With `previous` (the index of an earlier snapshot of the same fleet), nodes that are the same object as
 * before are reused as they are, and when no node changed which models it reports or in which status
 * (only loads, health, VRAM or access times changed, say after one dispatch), the model groups are reused
 * too: the cost is then O(nodes + models of the changed nodes). Either way the result indexes `snapshot`
 * exactly, as a fresh `indexFleet(snapshot)` would. Same snapshot object as `previous.snapshot`: `previous`.
 */
export function indexFleet(snapshot: FleetSnapshot, previous?: IndexedFleet): IndexedFleet {
  if (previous !== undefined) {
    if (previous.snapshot === snapshot) return previous;
    const reused = reindex(snapshot, previous);
    if (reused !== null) return reused;
  }
  return buildIndexedFleet(snapshot);
}

/** The index of `snapshot` built on `previous`, or null when some node's model groups changed. */
function reindex(snapshot: FleetSnapshot, previous: IndexedFleet): IndexedFleet | null {
  if (previous.nodes.length !== snapshot.nodes.length) return null;
  const nodes: IndexedNode[] = [];
  for (let position = 0; position < snapshot.nodes.length; position += 1) {
    const node = snapshot.nodes[position];
    const before = previous.nodes[position];
    if (node === undefined || before === undefined) return null;
    if (before.node === node) nodes.push(before);
    else if (holdsTheSame(before.node, node)) nodes.push(indexFleetNode(node));
    else return null;
  }
  return {
    kind: "indexed_fleet",
    snapshot,
    nodes,
    routableCount: countRoutable(nodes),
    holders: previous.holders,
  };
}
