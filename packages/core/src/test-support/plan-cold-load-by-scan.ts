import type { CatalogueModel } from "../config/models-catalogue.js";
import { buildEvictionInput } from "../eviction/build-eviction-input.js";
import { type EvictionStrategy, planEviction } from "../eviction/plan-eviction.js";
import type { FleetNode } from "../fleet/fleet-snapshot.js";
import { buildLoadSpec } from "../routing/build-load-spec.js";
import { isFeasibleOn } from "../routing/is-feasible-on.js";
import type { RouteCandidate } from "../routing/route-plan.js";
import { freeVramMb, selectLoadDevices } from "../routing/select-load-devices.js";

/**
 * `planColdLoad` as it was before it reused per-node facts and stopped at `limit`: every feasible node
 * builds its eviction input from the whole catalogue. Kept as the reference the fast planner must match
 * exactly (see the property tests); not shipped.
 *
 * Cold-load candidates for a catalogue model over `nodes` (routable nodes that do not report the model in
 * any status; the caller filters): feasible nodes where it fits now come first (most free VRAM first,
 * unknown free after known), then nodes where evicting idle models makes it fit (least short first); ties
 * by name. Nodes where it cannot fit even after eviction are left out.
 */
export function planColdLoadByScan(
  model: CatalogueModel,
  nodes: readonly FleetNode[],
  catalogue: readonly CatalogueModel[],
  strategy: EvictionStrategy,
): { ok: true; candidates: RouteCandidate[] } | { ok: false; cause: "topology" | "capacity" } {
  const reason = model.pinned_on.length > 0 ? "cold_load_pinned" : "cold_load_most_free_vram";
  const feasible = nodes.filter((node) => isFeasibleOn(model, node));
  if (feasible.length === 0) return { ok: false, cause: "topology" };
  const candidates: RouteCandidate[] = [];
  for (const node of feasible) {
    const devices = selectLoadDevices(model, node);
    const free = freeVramMb(node, devices);
    const shortfall =
      model.vram_mb === undefined || devices === null || free === undefined ? 0 : model.vram_mb - free;
    let evict: string[] = [];
    if (shortfall > 0) {
      const input = buildEvictionInput(node, catalogue);
      const onDevices = (input.models ?? []).filter(
        (entry) => entry.devices === undefined || entry.devices.some((index) => devices?.includes(index)),
      );
      const plan = planEviction({ ...input, models: onDevices }, shortfall, strategy);
      if (!plan.ok) continue;
      evict = plan.evict;
    }
    candidates.push({
      node: node.name,
      coldLoad: true,
      reason,
      score: 0,
      busy: 0,
      queueFull: false,
      loadSpec: buildLoadSpec(model, node),
      ...(free === undefined ? {} : { freeVramMb: free }),
      evict,
    });
  }
  if (candidates.length === 0) return { ok: false, cause: "capacity" };
  return { ok: true, candidates: candidates.sort(compareColdCandidates) };
}

function compareColdCandidates(a: RouteCandidate, b: RouteCandidate): number {
  const aEvicts = a.evict.length > 0;
  if (aEvicts !== b.evict.length > 0) return aEvicts ? 1 : -1;
  const aFree = a.freeVramMb ?? Number.NEGATIVE_INFINITY;
  const bFree = b.freeVramMb ?? Number.NEGATIVE_INFINITY;
  if (aFree !== bFree) return aFree > bFree ? -1 : 1;
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}
