import type { CatalogueModel } from "../config/models-catalogue.js";
import type { FleetNode } from "../fleet/fleet-snapshot.js";
import type { EvictionInput } from "./plan-eviction.js";

/**
 * The eviction input for one node: its models and load, the catalogue models pinned on it (`pinned_on`
 * names the node) and every catalogue model's residency `priority`.
 */
export function buildEvictionInput(node: FleetNode, catalogue: readonly CatalogueModel[]): EvictionInput {
  return {
    models: node.models ?? [],
    load: node.load ?? [],
    pinned: catalogue.filter((model) => model.pinned_on.includes(node.name)).map((model) => model.id),
    priorities: Object.fromEntries(catalogue.map((model) => [model.id, model.priority])),
  };
}
