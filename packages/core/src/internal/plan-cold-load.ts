import type { CatalogueModel } from "../config/models-catalogue.js";
import type { EvictionInput } from "../eviction/plan-eviction.js";
import { type EvictionStrategy, planEviction } from "../eviction/plan-eviction.js";
import { buildLoadSpec } from "../routing/build-load-spec.js";
import type { IndexedNode } from "../routing/indexed-fleet.js";
import { isFeasibleOn } from "../routing/is-feasible-on.js";
import type { RouteCandidate } from "../routing/route-plan.js";
import { freeVramMb, selectLoadDevices, vramReadings } from "../routing/select-load-devices.js";

/** A feasible node with what placing the model there needs: its devices, their free VRAM, the shortfall. */
interface Placement {
  readonly entry: IndexedNode;
  readonly devices: number[] | null;
  readonly free: number | undefined;
  readonly shortfall: number;
  /** The candidate when it fits without eviction, built the first time it is listed. */
  fit?: RouteCandidate;
  /** When it does not: what to evict (null: eviction cannot make room), for one catalogue and strategy. */
  evicted?: { catalogue: readonly CatalogueModel[]; strategy: EvictionStrategy; evict: string[] | null };
}

/**
 * Placements by index entry and catalogue model (null: infeasible there). They depend on nothing else, and
 * an entry is reused only while its node is the same object (`indexFleet`; nodes are never mutated once
 * indexed), so a decision on an unchanged fleet costs a lookup per node, and a changed node is placed again.
 */
const placements = new WeakMap<IndexedNode, Map<CatalogueModel, Placement | null>>();

function placementOn(entry: IndexedNode, model: CatalogueModel): Placement | null {
  let byModel = placements.get(entry);
  if (byModel === undefined) {
    byModel = new Map();
    placements.set(entry, byModel);
  }
  let placement = byModel.get(model);
  if (placement === undefined) {
    placement = place(entry, model);
    byModel.set(model, placement);
  }
  return placement;
}

function place(entry: IndexedNode, model: CatalogueModel): Placement | null {
  const node = entry.node;
  if (!isFeasibleOn(model, node)) return null;
  const readings = vramReadings(node);
  const devices = selectLoadDevices(model, node, readings);
  const free = freeVramMb(node, devices, readings);
  const shortfall =
    model.vram_mb === undefined || devices === null || free === undefined ? 0 : model.vram_mb - free;
  return { entry, devices, free, shortfall };
}

/**
 * Cold-load candidates for a catalogue model over `entries` (routable nodes that do not report the model in
 * any status; the caller filters): feasible nodes where it fits now come first (most free VRAM first,
 * unknown free after known), then nodes where evicting idle models makes it fit (least short first); ties
 * by name. Nodes where it cannot fit even after eviction are left out.
 *
 * Only the first `limit` candidates are returned (default all): the rest of the order is never needed when
 * cortex tries at most that many. Each node's placement (feasibility, devices, free VRAM, shortfall) and
 * its fits-now candidate are kept per indexed node and model, so a decision on an unchanged fleet is one
 * lookup per node plus ordering; eviction is planned only when fewer than `limit` nodes fit now, and only
 * on the nodes that do not, with the catalogue's pins and priorities read once per call. The candidates
 * returned are frozen (they may be shared between decisions).
 */
export function planColdLoad(
  model: CatalogueModel,
  entries: readonly IndexedNode[],
  catalogue: readonly CatalogueModel[],
  strategy: EvictionStrategy,
  limit = Number.POSITIVE_INFINITY,
): { ok: true; candidates: RouteCandidate[] } | { ok: false; cause: "topology" | "capacity" } {
  const fitting: Placement[] = [];
  const short: Placement[] = [];
  for (const entry of entries) {
    const placement = placementOn(entry, model);
    if (placement !== null) (placement.shortfall > 0 ? short : fitting).push(placement);
  }
  if (fitting.length === 0 && short.length === 0) return { ok: false, cause: "topology" };
  const reason = model.pinned_on.length > 0 ? "cold_load_pinned" : "cold_load_most_free_vram";
  const toCandidate = (placement: Placement, evict: string[]): RouteCandidate =>
    Object.freeze({
      node: placement.entry.node.name,
      coldLoad: true,
      reason,
      score: 0,
      busy: 0,
      queueFull: false,
      loadSpec: Object.freeze(buildLoadSpec(model, placement.entry.node, placement.devices)),
      ...(placement.free === undefined ? {} : { freeVramMb: placement.free }),
      evict: Object.freeze(evict) as string[],
    });
  const candidates = smallestFirst(fitting, comparePlacements, limit).map((placement) => {
    placement.fit ??= toCandidate(placement, []);
    return placement.fit;
  });
  if (candidates.length < limit && short.length > 0) {
    const evicting = planEvictions(short, catalogue, strategy);
    const room = limit - candidates.length;
    for (const { placement, evict } of smallestFirst(
      evicting,
      (a, b) => comparePlacements(a.placement, b.placement),
      room,
    ))
      candidates.push(toCandidate(placement, evict));
  }
  if (candidates.length === 0) return { ok: false, cause: "capacity" };
  return { ok: true, candidates };
}

/**
 * The placements on `short` nodes that eviction can make room on, with what to evict. A placement keeps its
 * plan for the same catalogue array and strategy (a catalogue is configuration, never mutated in place).
 */
function planEvictions(
  short: readonly Placement[],
  catalogue: readonly CatalogueModel[],
  strategy: EvictionStrategy,
): Array<{ placement: Placement; evict: string[] }> {
  let facts: { priorities: Record<string, number>; pinnedOn: Map<string, string[]> } | undefined;
  const planned: Array<{ placement: Placement; evict: string[] }> = [];
  for (const placement of short) {
    const kept = placement.evicted;
    if (kept !== undefined && kept.catalogue === catalogue && kept.strategy === strategy) {
      if (kept.evict !== null) planned.push({ placement, evict: kept.evict });
      continue;
    }
    facts ??= catalogueFacts(catalogue);
    const { priorities, pinnedOn } = facts;
    const node = placement.entry.node;
    const devices = placement.devices;
    const input: EvictionInput = {
      models: (node.models ?? []).filter(
        (entry) => entry.devices === undefined || entry.devices.some((index) => devices?.includes(index)),
      ),
      load: node.load ?? [],
      pinned: pinnedOn.get(node.name) ?? [],
      priorities,
    };
    const plan = planEviction(input, placement.shortfall, strategy);
    placement.evicted = { catalogue, strategy, evict: plan.ok ? plan.evict : null };
    if (plan.ok) planned.push({ placement, evict: plan.evict });
  }
  return planned;
}

/** Every catalogue model's residency priority, and the ids pinned on each node name. */
function catalogueFacts(catalogue: readonly CatalogueModel[]) {
  // No prototype: an id such as "__proto__" is an own key, as `Object.fromEntries` would make it.
  const priorities: Record<string, number> = Object.create(null);
  const pinnedOn = new Map<string, string[]>();
  for (const model of catalogue) {
    priorities[model.id] = model.priority;
    for (const name of model.pinned_on) {
      const pinned = pinnedOn.get(name);
      if (pinned === undefined) pinnedOn.set(name, [model.id]);
      else pinned.push(model.id);
    }
  }
  return { priorities, pinnedOn };
}

/** Fits now before needs eviction (the caller keeps them apart), then most free VRAM (unknown last), then name. */
function comparePlacements(a: Placement, b: Placement): number {
  const aFree = a.free ?? Number.NEGATIVE_INFINITY;
  const bFree = b.free ?? Number.NEGATIVE_INFINITY;
  if (aFree !== bFree) return aFree > bFree ? -1 : 1;
  const aName = a.entry.node.name;
  const bName = b.entry.node.name;
  return aName < bName ? -1 : aName > bName ? 1 : 0;
}

/**
 * The `limit` smallest items by `compare`, in order, as a stable sort's prefix would give them. A full
 * sort when `limit` covers most of them; else one pass keeping a sorted window of `limit`, which is
 * O(items × limit) and allocation-free beyond the window (cortex asks for a handful).
 */
function smallestFirst<T>(items: readonly T[], compare: (a: T, b: T) => number, limit: number): T[] {
  if (limit >= items.length) return [...items].sort(compare);
  if (limit <= 0) return [];
  if (limit > 32) return [...items].sort(compare).slice(0, limit);
  const window: T[] = [];
  for (const item of items) {
    const last = window[window.length - 1];
    // Equal to the last kept: a stable sort would put it after, so it only enters a window with room.
    if (window.length === limit && last !== undefined && compare(item, last) >= 0) continue;
    let position = window.length;
    while (position > 0 && compare(item, window[position - 1] as T) < 0) position -= 1;
    window.splice(position, 0, item);
    if (window.length > limit) window.pop();
  }
  return window;
}
