import { type CatalogueModel, catalogueModelSchema } from "../config/models-catalogue.js";
import type { FleetModelEntry, FleetNode } from "../fleet/fleet-snapshot.js";
import type { ModelLoad } from "../wire/health.js";

/** A healthy node; GPUs as total VRAM sizes (free VRAM equals total unless `free` is given). */
export function gpuNode(
  name: string,
  gpus: readonly number[],
  options: {
    free?: readonly number[];
    healthy?: boolean;
    models?: FleetModelEntry[];
    load?: ModelLoad[];
  } = {},
): FleetNode {
  return {
    name,
    healthy: options.healthy ?? true,
    devices: gpus.map((vram_total_mb, index) => ({ index, vram_total_mb })),
    device_health: gpus.map((total, index) => ({ index, vram_free_mb: options.free?.[index] ?? total })),
    models: options.models ?? [],
    load: options.load ?? [],
  };
}

/** A healthy node with the model `loaded` and the given admission numbers. */
export function replica(
  name: string,
  model: string,
  load: Pick<ModelLoad, "in_flight" | "queue_depth" | "max_in_flight" | "max_queue_depth"> | undefined,
  options: { healthy?: boolean } = {},
): FleetNode {
  return {
    name,
    healthy: options.healthy ?? true,
    devices: [],
    models: [{ id: model, status: "loaded" }],
    load: load === undefined ? [] : [{ id: model, ...load }],
  };
}

/** A catalogue profile with the schema's defaults applied. */
export function profile(fields: Partial<CatalogueModel> & { id: string }): CatalogueModel {
  return catalogueModelSchema.parse(fields);
}
