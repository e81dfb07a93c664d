import type { FleetNode, FleetSnapshot } from "../fleet/fleet-snapshot.js";

/**
 * A node of an {@link IndexedFleet}, with what routing derives from it once per change of the node. Its
 * per-model load is read from `node.load` when a decision needs it (a node lists few loads: the models it
 * serves), so a load change never touches the model groups.
 */
export interface IndexedNode {
  readonly node: FleetNode;
  /** `isNodeRoutable(node)`: healthy and not draining. */
  readonly routable: boolean;
  /** Free VRAM (MiB) over all its GPUs, as `freeVramMb(node, null)`; undefined when a reading is missing. */
  readonly freeVramMb: number | undefined;
}

/**
 * The nodes that report one model, as positions in {@link IndexedFleet.nodes}, grouped by the status they
 * report it in, each group in node-name order (snapshot order between equal names). A node is in a group
 * at most once; unhealthy and draining nodes are included (the planner skips them), so a change of health
 * does not change the groups.
 */
export interface ModelHolders {
  /** `loaded` or `reloading` there: a replica serving requests. */
  readonly serving: readonly number[];
  readonly loading: readonly number[];
  readonly unloaded: readonly number[];
  /** `recovering` or `stalled` there: held, not routed to. */
  readonly recovering: readonly number[];
  /** Every node reporting the model in any status (`poisoned` too): never a cold-load target. */
  readonly reporting: readonly number[];
}

/**
 * A fleet snapshot indexed for routing by {@link indexFleet}: a decision on it costs O(replicas of the
 * requested model) instead of O(every model on every node). Build it once per snapshot and pass it to
 * `planRoute` for every request until the snapshot changes. Treat it as read-only, and never mutate a
 * `FleetNode` after indexing it (a changed node must be a new object, or the index goes stale).
 */
export interface IndexedFleet {
  readonly kind: "indexed_fleet";
  /** The snapshot this indexes. */
  readonly snapshot: FleetSnapshot;
  /** One entry per snapshot node, in snapshot order. */
  readonly nodes: readonly IndexedNode[];
  /** How many nodes are routable. */
  readonly routableCount: number;
  /** Model id → the nodes that report it. A model no node reports has no entry. */
  readonly holders: ReadonlyMap<string, ModelHolders>;
}

/** Whether `planRoute`'s input is an {@link IndexedFleet} rather than a plain snapshot. */
export function isIndexedFleet(fleet: FleetSnapshot | IndexedFleet): fleet is IndexedFleet {
  return (fleet as Partial<IndexedFleet>).kind === "indexed_fleet";
}
