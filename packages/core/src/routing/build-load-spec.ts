import type { CatalogueModel } from "../config/models-catalogue.js";
import type { FleetNode } from "../fleet/fleet-snapshot.js";
import type { LoadSpec } from "../wire/load-spec.js";
import { selectLoadDevices } from "./select-load-devices.js";

/**
 * The catalogue-qualified model id: `<source>:<id>` when `source` is set and non-empty, else `id`.
 */
export function qualifiedModelId(model: Pick<CatalogueModel, "id" | "source">): string {
  return model.source ? `${model.source}:${model.id}` : model.id;
}

/**
 * The `POST /models/load` body for a cold load of a catalogue model on a node: the qualified id, the
 * harness, where to get the weights (`uri` / `path`), `quant`, the devices from `selectLoadDevices`,
 * `tensor_parallel = min_devices` when above 1, and `context_size` / `sequences` when the catalogue sets
 * them. Absent options are null (explicitly "the neuron decides"). `devices`: when the caller already chose
 * them with `selectLoadDevices`.
 */
export function buildLoadSpec(
  model: CatalogueModel,
  node: FleetNode,
  devices: number[] | null = selectLoadDevices(model, node),
): LoadSpec {
  return {
    model_id: qualifiedModelId(model),
    harness: model.harness,
    uri: model.uri ?? null,
    path: model.path ?? null,
    quant: model.quant ?? null,
    tensor_parallel: model.min_devices > 1 ? model.min_devices : null,
    devices,
    context_size: model.context_size ?? null,
    sequences: model.sequences ?? null,
  };
}
