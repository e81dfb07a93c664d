import type {
  CatalogueModel,
  FleetNode,
  FleetSnapshot,
  ModelInfo,
  ModelsCatalogue,
  NeuronEndpointConfig,
} from "@helexa/core";
import { createNodeRecord, type NodeRecord, type NodeState } from "./node-state.js";
import type { NodePoll, PollOutcome } from "./poll-node.js";
import { toFleetNode } from "./to-fleet-node.js";

/** A request cortex has dispatched to one replica; hand it back to `finishRequest` exactly once. */
export interface ReplicaTicket {
  readonly node: NodeState;
  readonly model: string;
  /** The node's `/health` sends before it started: a reply to a later send counts it. */
  readonly epoch: number;
  finished: boolean;
}

/**
 * The fleet as cortex sees it: its nodes, what they last reported, and the catalogue.
 *
 * `FleetState` owns its nodes. Everyone else reads them through the read-only `NodeState` view and changes
 * them only through the mutators below: `addNode`/`removeNode` (the configured neurons at construction,
 * and any added or removed while cortex runs), `markHealthPollSent`, `recordPoll` and `markUnreachable`
 * (the poller and a dispatch that could not connect), `startRequest`/`finishRequest` (dispatch's own load
 * bookkeeping), `markLoaded`/`markEvicted` (the cold loader). Each mutator that changes what a snapshot
 * shows bumps the node's `version` (`markHealthPollSent` changes none), which is what keeps
 * `snapshot()`'s per-node cache right; a mutator given a node this fleet no longer holds (removed
 * meanwhile) changes nothing.
 *
 * Load is the applied `/health` reply's `in_flight + queue_depth` plus the requests cortex started after
 * that poll's `/health` was sent (the reply cannot count those) and not yet finished. A request started
 * before the send is the reply's to count, whether or not it finished meanwhile.
 */
export class FleetState {
  readonly catalogue: ModelsCatalogue;
  /** Replaced, never mutated in place, so a caller iterating `nodes` keeps a stable list. */
  private list: readonly NodeRecord[] = [];
  private readonly byName = new Map<string, NodeRecord>();
  private readonly catalogueById: Map<string, CatalogueModel>;
  /** Model id → Unix seconds when `/v1/models` first listed it (its `created`). */
  private readonly firstListed = new Map<string, number>();

  constructor(neurons: readonly NeuronEndpointConfig[], catalogue: ModelsCatalogue) {
    for (const neuron of neurons) {
      if (this.addNode(neuron) === null) throw new Error("neuron names must be unique");
    }
    this.catalogue = catalogue;
    this.catalogueById = new Map(catalogue.models.map((model) => [model.id, model]));
  }

  /** Every node, in the order they were added. */
  get nodes(): readonly NodeState[] {
    return this.list;
  }

  node(name: string): NodeState | undefined {
    return this.byName.get(name);
  }

  /** The fleet as core's `planRoute` takes it, at this instant: every node's `fleetNode`. */
  snapshot(): FleetSnapshot {
    return { nodes: this.list.map((node) => this.fleetNode(node)) };
  }

  /**
   * One node as core's planner sees it (`toFleetNode`), rebuilt only when a mutator changed the node since
   * the last view of it.
   */
  fleetNode(node: NodeState): FleetNode {
    const record = node as NodeRecord;
    if (record.view !== null && record.viewVersion === record.version) return record.view;
    const built = toFleetNode(record);
    record.view = built;
    record.viewVersion = record.version;
    return built;
  }

  /**
   * Adds a node, unhealthy until its first successful poll. Returns it, or null (and changes nothing)
   * when a node of that name is already there: remove that one first to replace it.
   */
  addNode(neuron: NeuronEndpointConfig): NodeState | null {
    if (this.byName.has(neuron.name)) return null;
    const record = createNodeRecord({
      name: neuron.name,
      endpoint: neuron.endpoint,
      ...(neuron.auth_token === undefined ? {} : { authToken: neuron.auth_token }),
    });
    this.byName.set(record.name, record);
    this.list = [...this.list, record];
    return record;
  }

  /**
   * Removes a node: nothing new is routed there. Requests already on it finish normally (their
   * `finishRequest` is then a no-op). Returns false when there was no such node.
   */
  removeNode(name: string): boolean {
    const record = this.byName.get(name);
    if (record === undefined) return false;
    this.byName.delete(name);
    this.list = this.list.filter((node) => node !== record);
    this.changed(record);
    return true;
  }

  catalogueModel(id: string): CatalogueModel | undefined {
    return this.catalogueById.get(id);
  }

  /** When a model was first listed (Unix seconds), `nowSecs` the first time it is asked: a stable `created`. */
  listedSince(id: string, nowSecs: number): number {
    const first = this.firstListed.get(id);
    if (first !== undefined) return first;
    this.firstListed.set(id, nowSecs);
    return nowSecs;
  }

  healthyCount(): number {
    let healthy = 0;
    for (const node of this.list) if (node.healthy) healthy++;
    return healthy;
  }

  /**
   * Call right before sending the node `/health`, and hand what it returns to `recordPoll` with that
   * poll's result: requests started after it are not in the reply, so they stay counted past it.
   */
  markHealthPollSent(node: NodeState): number {
    const record = this.record(node);
    if (record === undefined) return 0;
    record.healthSends++;
    return record.healthSends;
  }

  /**
   * Applies one poll (`pollNode`'s result). `/models` alone decides health: a failure counts towards
   * `unhealthyAfterFailures` in a row; a success marks the node healthy, prunes models it stopped
   * reporting, and (with `/health`) replaces load, devices, activation and draining. `healthSent` is
   * `markHealthPollSent`'s mark for this poll (without it, the reply counts every request started so
   * far); a `/health` reply older than the one applied already changes nothing.
   */
  recordPoll(
    node: NodeState,
    poll: NodePoll,
    options: { unhealthyAfterFailures: number; now: number; healthSent?: number },
  ): PollOutcome {
    const record = this.record(node);
    const wasHealthy = node.healthy;
    if (record === undefined) return { wasHealthy, healthy: wasHealthy, error: null };
    this.changed(record);
    if (poll.discovery !== null) record.discovery = poll.discovery;
    if (!poll.models.ok) {
      record.consecutiveFailures++;
      record.lastError = poll.models.message;
      if (record.consecutiveFailures >= options.unhealthyAfterFailures) record.healthy = false;
      return { wasHealthy, healthy: record.healthy, error: poll.models.message };
    }
    record.consecutiveFailures = 0;
    record.lastError = null;
    record.healthy = true;
    record.lastPoll = options.now;
    const seen = new Map(poll.models.value.map((model) => [model.id, model]));
    record.models = seen;
    for (const id of record.lastAccessed.keys()) if (!seen.has(id)) record.lastAccessed.delete(id);
    const health = poll.health;
    if (health === null) return { wasHealthy, healthy: true, error: null };
    const sent = options.healthSent ?? ++record.healthSends;
    if (sent <= record.appliedHealthSend) return { wasHealthy, healthy: true, error: null };
    record.draining = health.draining === true;
    record.devices = health.devices;
    record.activation = health.activation;
    record.load = new Map(health.models.map((load) => [load.id, load]));
    record.appliedHealthSend = sent;
    record.finishedSincePoll.clear();
    // Requests started before the send are the reply's now; those started after it stay cortex's.
    for (const [model, byEpoch] of record.sincePollByEpoch) {
      let left = 0;
      for (const [epoch, count] of byEpoch) {
        if (epoch < sent) byEpoch.delete(epoch);
        else left += count;
      }
      if (left > 0) record.sincePoll.set(model, left);
      else {
        record.sincePoll.delete(model);
        record.sincePollByEpoch.delete(model);
      }
    }
    return { wasHealthy, healthy: true, error: null };
  }

  /** Marks a node unhealthy at once (a dispatch could not connect); the next good poll revives it. */
  markUnreachable(node: NodeState, reason: string, unhealthyAfterFailures: number): void {
    const record = this.record(node);
    if (record === undefined) return;
    record.consecutiveFailures = Math.max(record.consecutiveFailures + 1, unhealthyAfterFailures);
    record.lastError = reason;
    record.healthy = false;
    this.changed(record);
  }

  /** A cold load succeeded: until the next poll the node serves `model` (a minimal entry if it had none). */
  markLoaded(node: NodeState, model: string): void {
    const record = this.record(node);
    if (record === undefined) return;
    const entry: ModelInfo = record.models.get(model) ?? {
      id: model,
      harness: "llama.cpp",
      status: "loaded",
      devices: [],
      capabilities: [],
      tool_call: false,
      reasoning: false,
    };
    record.models.set(model, { ...entry, status: "loaded" });
    this.changed(record);
  }

  /** The node unloaded `model` at cortex's request: its entry reads `unloaded`, and one more eviction counts. */
  markEvicted(node: NodeState, model: string): void {
    const record = this.record(node);
    if (record === undefined) return;
    const entry = record.models.get(model);
    if (entry !== undefined) record.models.set(model, { ...entry, status: "unloaded" });
    record.evictions++;
    this.changed(record);
  }

  /** Counts a request against a replica's load until `finishRequest`; also stamps LRU time. */
  startRequest(node: NodeState, model: string, now: number): ReplicaTicket {
    const record = this.record(node);
    if (record !== undefined) {
      const byEpoch = record.sincePollByEpoch.get(model) ?? new Map<number, number>();
      byEpoch.set(record.healthSends, (byEpoch.get(record.healthSends) ?? 0) + 1);
      record.sincePollByEpoch.set(model, byEpoch);
      record.sincePoll.set(model, (record.sincePoll.get(model) ?? 0) + 1);
      record.active.set(model, (record.active.get(model) ?? 0) + 1);
      record.lastAccessed.set(model, now);
      this.changed(record);
    }
    return { node, model, epoch: node.healthSends, finished: false };
  }

  /**
   * Idempotent. A request started before the applied `/health` reply's send is in its numbers (and counts
   * in `finishedSincePoll` now); a later one comes off cortex's own count.
   */
  finishRequest(ticket: ReplicaTicket): void {
    if (ticket.finished) return;
    ticket.finished = true;
    const { model } = ticket;
    const record = this.record(ticket.node);
    if (record === undefined) return;
    this.changed(record);
    const active = (record.active.get(model) ?? 1) - 1;
    if (active > 0) record.active.set(model, active);
    else record.active.delete(model);
    if (ticket.epoch < record.appliedHealthSend) {
      record.finishedSincePoll.set(model, (record.finishedSincePoll.get(model) ?? 0) + 1);
      return;
    }
    const byEpoch = record.sincePollByEpoch.get(model);
    const count = byEpoch?.get(ticket.epoch);
    if (byEpoch === undefined || count === undefined) return;
    if (count > 1) byEpoch.set(ticket.epoch, count - 1);
    else byEpoch.delete(ticket.epoch);
    if (byEpoch.size === 0) record.sincePollByEpoch.delete(model);
    const pending = (record.sincePoll.get(model) ?? 1) - 1;
    if (pending > 0) record.sincePoll.set(model, pending);
    else record.sincePoll.delete(model);
  }

  /**
   * Replica load used for routing: polled `in_flight + queue_depth` plus cortex's own requests that poll
   * could not count (started after its `/health` was sent).
   */
  replicaLoad(node: NodeState, model: string): number {
    const polled = node.load.get(model);
    return (
      (polled === undefined ? 0 : polled.in_flight + polled.queue_depth) + (node.sincePoll.get(model) ?? 0)
    );
  }

  /**
   * `replicaLoad` less the requests the last poll counted that have finished since its reply: fresher
   * (what cache-aware routing bounds on), while `replicaLoad` stays conservative until the next poll.
   */
  freshReplicaLoad(node: NodeState, model: string): number {
    return Math.max(0, this.replicaLoad(node, model) - (node.finishedSincePoll.get(model) ?? 0));
  }

  /** This fleet's own record behind a view, or undefined for a node it no longer holds. */
  private record(node: NodeState): NodeRecord | undefined {
    const record = this.byName.get(node.name);
    return record === node ? record : undefined;
  }

  /** The one place a node's version moves: every mutator calls it, so snapshots of it are rebuilt. */
  private changed(record: NodeRecord): void {
    record.version++;
  }
}
