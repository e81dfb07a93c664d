import { z } from "zod";
import { modelLoadSchema } from "../wire/health.js";
import { modelLimitSchema, modelStatusSchema } from "../wire/models.js";

/** One model a node reports (its `/models` entry as cortex keeps it), as routing and eviction see it. */
export const fleetModelEntrySchema = z.object({
  id: z.string().min(1),
  status: modelStatusSchema,
  /** Epoch milliseconds of the last request routed to it here; absent or null = never (oldest for LRU). */
  last_accessed_ms: z.number().nullable().optional(),
  /** VRAM it holds (the neuron's `vram_used_mb`); unknown sizes are never evicted to make room. */
  vram_mb: z.number().nonnegative().nullable().optional(),
  /** GPU indices it runs on; absent = unknown (counted as on every device when planning eviction). */
  devices: z.array(z.number().int().nonnegative()).optional(),
  limit: modelLimitSchema.nullable().optional(),
});
export type FleetModelEntry = z.infer<typeof fleetModelEntrySchema>;

/** A GPU's total memory, from the node's `/discovery` (a `DeviceInfo` fits). */
export const fleetDeviceSchema = z.looseObject({
  index: z.number().int().nonnegative(),
  vram_total_mb: z.number().nonnegative(),
});
export type FleetDevice = z.infer<typeof fleetDeviceSchema>;

/** A GPU's free memory, from the node's last `/health` (a `DeviceHealth` fits). */
export const fleetDeviceHealthSchema = z.looseObject({
  index: z.number().int().nonnegative(),
  vram_free_mb: z.number().nonnegative(),
});
export type FleetDeviceHealth = z.infer<typeof fleetDeviceHealthSchema>;

/** One neuron as the router sees it at one instant. */
export const fleetNodeSchema = z.object({
  name: z.string().min(1),
  /** Answered its last polls; an unhealthy node is never a candidate. */
  healthy: z.boolean(),
  /** Draining after SIGTERM (`/health` `draining`): treated as unhealthy for new requests. */
  draining: z.boolean().optional(),
  /**
   * GPUs from discovery. `[]` is a CPU host; absent or null means discovery has not answered yet, so the
   * node's topology is unknown and nothing is cold-loaded there.
   */
  devices: z.array(fleetDeviceSchema).nullable().optional(),
  /** Live free VRAM per GPU; absent or empty = unknown. */
  device_health: z.array(fleetDeviceHealthSchema).optional(),
  models: z.array(fleetModelEntrySchema).optional(),
  /**
   * Per-model admission load from `/health` `models[]`. Callers add the requests they dispatched since
   * that poll into `in_flight` so a burst between polls spreads; the router takes the numbers as given.
   */
  load: z.array(modelLoadSchema).optional(),
});
export type FleetNode = z.infer<typeof fleetNodeSchema>;

/** The whole fleet at one instant: the input of `planRoute`. */
export const fleetSnapshotSchema = z.object({ nodes: z.array(fleetNodeSchema) });
export type FleetSnapshot = z.infer<typeof fleetSnapshotSchema>;

/** Whether new requests may go to a node: healthy and not draining. */
export function isNodeRoutable(node: FleetNode): boolean {
  return node.healthy && node.draining !== true;
}
