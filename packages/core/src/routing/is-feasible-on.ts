import type { CatalogueModel } from "../config/models-catalogue.js";
import type { FleetNode } from "../fleet/fleet-snapshot.js";

/**
 * Whether a node's topology can ever hold a catalogue model (GPU hosts and CPU hosts):
 * - `pinned_on`, when non-empty, must name the node;
 * - discovery must have answered (unknown topology is never feasible);
 * - `min_devices: 0` needs no GPU and fits any node;
 * - a CPU host (no GPUs) takes a model that asks for at most one device and states no VRAM need
 *   (no `vram_mb`, no `min_device_vram_mb`), which is what a catalogue entry without hints means;
 * - otherwise at least `min_devices` GPUs, and with `min_device_vram_mb` at least `min_devices` of them
 *   with that much total VRAM.
 * Live free VRAM is not considered here; see `planRoute`.
 */
export function isFeasibleOn(model: CatalogueModel, node: FleetNode): boolean {
  if (model.pinned_on.length > 0 && !model.pinned_on.includes(node.name)) return false;
  const devices = node.devices;
  if (devices === null || devices === undefined) return false;
  if (model.min_devices === 0) return true;
  if (devices.length === 0) {
    return model.min_devices <= 1 && model.vram_mb === undefined && model.min_device_vram_mb === undefined;
  }
  if (devices.length < model.min_devices) return false;
  const floor = model.min_device_vram_mb;
  if (floor === undefined) return true;
  return devices.filter((device) => device.vram_total_mb >= floor).length >= model.min_devices;
}
