import type { Activation, DeviceHealth, Discovery, FleetNode, ModelInfo, ModelLoad } from "@helexa/core";

/**
 * cortex's record of one neuron as `FleetState` holds it. Only `FleetState`'s mutators write it (through
 * the mutable `NodeRecord`); everyone else gets the read-only `NodeState` view of it.
 */
export interface NodeRecord {
  readonly name: string;
  /** Base URL without a trailing slash. */
  readonly endpoint: string;
  /** Sent as `Authorization: Bearer` to this neuron; never logged. */
  readonly authToken: string | undefined;
  /** True after a successful `/models` poll; false after `unhealthy_after_failures` failures in a row. */
  healthy: boolean;
  /** The neuron's `/health` says it drains: route nothing new there. */
  draining: boolean;
  consecutiveFailures: number;
  /** Epoch ms of the last successful `/models` poll. */
  lastPoll: number | null;
  lastError: string | null;
  discovery: Discovery | null;
  activation: Activation | null;
  devices: DeviceHealth[];
  /** `/models`, keyed by id; entries the neuron stops reporting are pruned. */
  models: Map<string, ModelInfo>;
  /** `/health` per-model admission load, keyed by id. */
  load: Map<string, ModelLoad>;
  /**
   * Requests cortex dispatched per model and not yet finished that the applied `/health` reply cannot
   * count: those started after that poll's `/health` was sent (or all of them before any reply).
   */
  sincePoll: Map<string, number>;
  /** `sincePoll` by the `healthSends` count each request started at (its ticket's epoch). */
  sincePollByEpoch: Map<string, Map<number, number>>;
  /** `/health` requests sent to this node so far; a request's epoch is this count when it started. */
  healthSends: number;
  /** Which send (1-based) the applied `/health` reply answered; 0 before any. Epochs below it are in `load`. */
  appliedHealthSend: number;
  /** Requests counted in the applied `/health` reply (started before its send) that finished since it. */
  finishedSincePoll: Map<string, number>;
  /** Requests cortex has in flight per model right now (eviction never touches these). */
  active: Map<string, number>;
  /** Epoch ms of the last request routed per model (LRU eviction). */
  lastAccessed: Map<string, number>;
  /** Successful evictions on this node (the count `defrag_after_cycles` is compared with). */
  evictions: number;
  /**
   * Bumped by every `FleetState` mutator that changes what the planner sees, so `FleetState.fleetNode`
   * reuses the view of a node whose version did not move.
   */
  version: number;
  /**
   * The planner's view of this node as `FleetState.fleetNode` last built it, and the `version` it was built
   * at. Fields of the record, not a side table: a view is rebuilt on most requests, and a weak map entry
   * replaced that often costs the young-generation GC more than a field does.
   */
  view: FleetNode | null;
  viewVersion: number;
}

/** The read-only view of a node that `FleetState` hands out: change it through `FleetState`'s mutators. */
export type NodeState = {
  readonly [Key in keyof NodeRecord]: NodeRecord[Key] extends Map<infer K, infer V>
    ? ReadonlyMap<K, V>
    : NodeRecord[Key] extends Array<infer E>
      ? readonly E[]
      : NodeRecord[Key];
};

/** A node as configured, unhealthy until its first successful poll. */
export function createNodeRecord(options: {
  name: string;
  endpoint: string;
  authToken?: string;
}): NodeRecord {
  return {
    name: options.name,
    endpoint: options.endpoint.replace(/\/+$/, ""),
    authToken: options.authToken,
    healthy: false,
    draining: false,
    consecutiveFailures: 0,
    lastPoll: null,
    lastError: null,
    discovery: null,
    activation: null,
    devices: [],
    models: new Map(),
    load: new Map(),
    sincePoll: new Map(),
    sincePollByEpoch: new Map(),
    healthSends: 0,
    appliedHealthSend: 0,
    finishedSincePoll: new Map(),
    active: new Map(),
    lastAccessed: new Map(),
    evictions: 0,
    version: 0,
    view: null,
    viewVersion: -1,
  };
}

/**
 * Free VRAM on the node in MiB, summed over the devices its last `/health` reported, or null when it
 * reported none: what `/health` and `cortex_node_vram_free_bytes` show. Not core's `freeVramMb`, which
 * the planner uses: that one counts only the GPUs `/discovery` listed, is undefined while any of them
 * lacks a reading, and is 0 on a CPU host.
 */
export function freeVramMb(node: NodeState): number | null {
  if (node.devices.length === 0) return null;
  let free = 0;
  for (const device of node.devices) free += device.vram_free_mb;
  return free;
}
