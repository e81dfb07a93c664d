import { z } from "zod";
import type { FleetModelEntry } from "../fleet/fleet-snapshot.js";
import type { ModelLoad } from "../wire/health.js";

/** `lru`: least recently used first. `priority`: lowest residency priority first, then LRU. */
export const evictionStrategySchema = z.enum(["lru", "priority"]);
export type EvictionStrategy = z.infer<typeof evictionStrategySchema>;

/** What eviction planning needs to know about one node. A `FleetNode` plus pins and priorities fits. */
export interface EvictionInput {
  models?: readonly FleetModelEntry[];
  load?: readonly Pick<ModelLoad, "id" | "in_flight" | "queue_depth">[];
  /** Model ids pinned on this node: never evicted. */
  pinned?: readonly string[];
  /** Residency priority per model id (default 0); lower goes first under `priority`. */
  priorities?: Readonly<Record<string, number>>;
}

/** Outcome of {@link planEviction}. */
export type EvictionPlan =
  | { ok: true; evict: string[]; freedMb: number }
  | {
      ok: false;
      reason: "nothing_evictable" | "insufficient_evictable";
      evictableMb: number;
      neededMb: number;
    };

/**
 * Which models to unload from one node to free `neededMb` MiB, in unload order. Only `loaded` models of
 * known, non-zero size are candidates, and never a pinned one or one with requests in flight or queued.
 * Candidates go least recently used first (never used = oldest), or by residency priority then LRU under
 * `priority`, ties by id, and are taken until enough is freed. `neededMb <= 0` needs nothing.
 * Default strategy: `lru`.
 */
export function planEviction(
  input: EvictionInput,
  neededMb: number,
  strategy: EvictionStrategy = "lru",
): EvictionPlan {
  if (neededMb <= 0) return { ok: true, evict: [], freedMb: 0 };
  const pinned = new Set(input.pinned ?? []);
  const busy = new Set(
    (input.load ?? []).filter((load) => load.in_flight + load.queue_depth > 0).map((load) => load.id),
  );
  const priorityOf = (id: string) =>
    strategy === "priority" && input.priorities && Object.hasOwn(input.priorities, id)
      ? (input.priorities[id] ?? 0)
      : 0;
  const candidates = (input.models ?? [])
    .filter((model) => model.status === "loaded" && !pinned.has(model.id) && !busy.has(model.id))
    .filter((model) => typeof model.vram_mb === "number" && model.vram_mb > 0)
    .sort((a, b) => priorityOf(a.id) - priorityOf(b.id) || compareLeastRecentlyUsed(a, b));
  const evict: string[] = [];
  let freedMb = 0;
  for (const model of candidates) {
    if (freedMb >= neededMb) break;
    evict.push(model.id);
    freedMb += model.vram_mb ?? 0;
  }
  if (freedMb >= neededMb) return { ok: true, evict, freedMb };
  return {
    ok: false,
    reason: candidates.length === 0 ? "nothing_evictable" : "insufficient_evictable",
    evictableMb: freedMb,
    neededMb,
  };
}

/** Never accessed sorts oldest; ties by id so the plan is deterministic. */
function compareLeastRecentlyUsed(a: FleetModelEntry, b: FleetModelEntry): number {
  const aTime = a.last_accessed_ms ?? Number.NEGATIVE_INFINITY;
  const bTime = b.last_accessed_ms ?? Number.NEGATIVE_INFINITY;
  if (aTime !== bTime) return aTime < bTime ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
