import type { ModelLoad } from "../wire/health.js";

/** How busy one replica is, as the router ranks it. */
export interface ReplicaLoad {
  /** `in_flight + queue_depth`. */
  busy: number;
  /** `busy / max(1, max_in_flight)`: utilisation of the replica's slots (1 slot when unknown). */
  score: number;
  /** Its admission queue is full (`busy >= max_in_flight + max_queue_depth`, when both are known). */
  queueFull: boolean;
}

/**
 * Load of one replica from its `/health` numbers; unknown load counts as idle, so a replica that has not
 * been polled yet stays eligible. Weighing by `max_in_flight` rather than a raw count lets a bigger replica
 * take more: a 4-slot replica with 2 busy (0.5) beats a 1-slot replica with 1 busy (1)
 * (docs/decisions/0004-capacity-aware-routing.md).
 */
export function replicaLoad(
  load: Pick<ModelLoad, "in_flight" | "queue_depth" | "max_in_flight" | "max_queue_depth"> | undefined,
): ReplicaLoad {
  if (load === undefined) return { busy: 0, score: 0, queueFull: false };
  const busy = load.in_flight + load.queue_depth;
  const queueFull =
    load.max_in_flight !== undefined &&
    load.max_queue_depth !== undefined &&
    busy >= load.max_in_flight + load.max_queue_depth;
  return { busy, score: busy / Math.max(1, load.max_in_flight ?? 1), queueFull };
}

/**
 * Orders replicas least busy first: a full queue goes last (still a last resort), then lower score,
 * fewer busy requests, and node name, so the same loads always give the same order.
 */
export function compareReplicaLoad(
  a: ReplicaLoad & { node: string },
  b: ReplicaLoad & { node: string },
): number {
  if (a.queueFull !== b.queueFull) return a.queueFull ? 1 : -1;
  if (a.score !== b.score) return a.score - b.score;
  if (a.busy !== b.busy) return a.busy - b.busy;
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}
