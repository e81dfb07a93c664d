import type { CatalogueModel, ModelsCatalogue, NeuronEndpointConfig } from "@helexa/core";
import { createNodeState, type NodeState } from "./node-state.js";

/** A request cortex has dispatched to one replica; hand it back to `finishRequest` exactly once. */
export interface ReplicaTicket {
  readonly node: NodeState;
  readonly model: string;
  readonly epoch: number;
  finished: boolean;
}

/** The fleet as cortex sees it: configured nodes, what they last reported, and the catalogue. */
export class FleetState {
  readonly nodes: readonly NodeState[];
  readonly catalogue: ModelsCatalogue;
  private readonly byName: Map<string, NodeState>;
  private readonly catalogueById: Map<string, CatalogueModel>;
  /** Model id → Unix seconds when `/v1/models` first listed it (its `created`). */
  private readonly firstListed = new Map<string, number>();

  constructor(neurons: readonly NeuronEndpointConfig[], catalogue: ModelsCatalogue) {
    this.nodes = neurons.map((neuron) =>
      createNodeState({
        name: neuron.name,
        endpoint: neuron.endpoint,
        ...(neuron.auth_token === undefined ? {} : { authToken: neuron.auth_token }),
      }),
    );
    this.byName = new Map(this.nodes.map((node) => [node.name, node]));
    if (this.byName.size !== this.nodes.length) throw new Error("neuron names must be unique");
    this.catalogue = catalogue;
    this.catalogueById = new Map(catalogue.models.map((model) => [model.id, model]));
  }

  node(name: string): NodeState | undefined {
    return this.byName.get(name);
  }

  /** The concrete id for a requested one: one `[aliases]` lookup, no chaining. */
  resolveAlias(requested: string): string {
    return this.catalogue.aliases[requested] ?? requested;
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
    for (const node of this.nodes) if (node.healthy) healthy++;
    return healthy;
  }

  /** Counts a request against a replica's load until `finishRequest`; also stamps LRU time. */
  startRequest(node: NodeState, model: string, now: number): ReplicaTicket {
    node.sincePoll.set(model, (node.sincePoll.get(model) ?? 0) + 1);
    node.active.set(model, (node.active.get(model) ?? 0) + 1);
    node.lastAccessed.set(model, now);
    node.version++;
    return { node, model, epoch: node.loadEpoch, finished: false };
  }

  /** Idempotent. A request from before the last `/health` poll is already in the polled numbers. */
  finishRequest(ticket: ReplicaTicket): void {
    if (ticket.finished) return;
    ticket.finished = true;
    const { node, model } = ticket;
    node.version++;
    const active = (node.active.get(model) ?? 1) - 1;
    if (active > 0) node.active.set(model, active);
    else node.active.delete(model);
    if (ticket.epoch !== node.loadEpoch) return;
    const pending = (node.sincePoll.get(model) ?? 1) - 1;
    if (pending > 0) node.sincePoll.set(model, pending);
    else node.sincePoll.delete(model);
  }

  /** Replica load used for routing: polled `in_flight + queue_depth` plus cortex's own since that poll. */
  replicaLoad(node: NodeState, model: string): number {
    const polled = node.load.get(model);
    return (
      (polled === undefined ? 0 : polled.in_flight + polled.queue_depth) + (node.sincePoll.get(model) ?? 0)
    );
  }
}
