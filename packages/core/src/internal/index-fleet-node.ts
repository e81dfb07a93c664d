import { type FleetNode, isNodeRoutable } from "../fleet/fleet-snapshot.js";
import type { IndexedNode } from "../routing/indexed-fleet.js";
import { freeVramMb } from "../routing/select-load-devices.js";
import type { ModelLoad } from "../wire/health.js";

/** What routing derives from one node: routability, total free VRAM and its loads by model id. */
export function indexFleetNode(node: FleetNode): IndexedNode {
  const loads = new Map<string, ModelLoad>();
  for (const load of node.load ?? []) if (!loads.has(load.id)) loads.set(load.id, load);
  return { node, routable: isNodeRoutable(node), freeVramMb: freeVramMb(node, null), loads };
}

/**
 * Whether two versions of a node put it in the same model groups: same name and the same model ids in the
 * same statuses, in the same order. Load, health, VRAM and access times may differ; those are read from
 * the node itself at decision time.
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
