import { type FleetNode, isNodeRoutable } from "../fleet/fleet-snapshot.js";
import type { IndexedNode } from "../routing/indexed-fleet.js";
import { freeVramMb } from "../routing/select-load-devices.js";

/** What routing derives from one node: routability and total free VRAM. */
export function indexFleetNode(node: FleetNode): IndexedNode {
  return { node, routable: isNodeRoutable(node), freeVramMb: freeVramMb(node, null) };
}

/**
 * Whether two versions of a node put it in the same model groups: same name and the same model ids in the
 * same statuses, in the same order. Load, health, VRAM and access times may differ: those are read
 * from the node (or derived again from it) at decision time.
 */
export function holdsTheSame(before: FleetNode, after: FleetNode): boolean {
  if (before.name !== after.name) return false;
  const a = before.models ?? [];
  const b = after.models ?? [];
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) {
    const x = a[index];
    const y = b[index];
    if (x === undefined || y === undefined || x.id !== y.id || x.status !== y.status) return false;
  }
  return true;
}
