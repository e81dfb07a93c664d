import type { CatalogueModel } from "../config/models-catalogue.js";
import type { FleetNode } from "../fleet/fleet-snapshot.js";

/**
 * The GPU indices a cold load of `model` should use on `node`, ascending, or null to let the neuron
 * choose (a CPU host, `min_devices: 0`, or unknown topology). Among the GPUs meeting
 * `min_device_vram_mb`, it takes the `min_devices` with the most free VRAM when every one of them has a
 * live reading (ties by index), so a second model goes to the idle GPU instead of evicting the first;
 * without readings it takes the first in discovery order. When too few GPUs qualify it falls back to
 * `0..min_devices`, and the neuron's own VRAM check decides.
 */
export function selectLoadDevices(
  model: CatalogueModel,
  node: FleetNode,
  readings: ReadonlyMap<number, number> = vramReadings(node),
): number[] | null {
  const devices = node.devices ?? [];
  const count = model.min_devices;
  if (count === 0 || devices.length === 0) return null;
  const floor = model.min_device_vram_mb ?? 0;
  const qualifying = devices.filter((device) => device.vram_total_mb >= floor);
  if (qualifying.length < count) return Array.from({ length: count }, (_, index) => index);
  const free = readings;
  const allRead = qualifying.every((device) => free.has(device.index));
  const ranked = allRead
    ? [...qualifying].sort((a, b) => (free.get(b.index) ?? 0) - (free.get(a.index) ?? 0) || a.index - b.index)
    : qualifying;
  return ranked
    .slice(0, count)
    .map((device) => device.index)
    .sort((a, b) => a - b);
}

/**
 * Free VRAM, in MiB, on the given GPUs of a node (all of its GPUs when `devices` is null), or undefined
 * when a reading is missing. A CPU host has 0.
 */
export function freeVramMb(
  node: FleetNode,
  devices: readonly number[] | null,
  readings: ReadonlyMap<number, number> = vramReadings(node),
): number | undefined {
  const indices = devices ?? (node.devices ?? []).map((device) => device.index);
  let total = 0;
  for (const index of indices) {
    const free = readings.get(index);
    if (free === undefined) return undefined;
    total += free;
  }
  return total;
}

/**
 * A node's live free VRAM per GPU index (the last reading of an index wins). `selectLoadDevices` and
 * `freeVramMb` build it when not given; the planner builds it once per node and passes it to both.
 */
export function vramReadings(node: FleetNode): Map<number, number> {
  const readings = new Map<number, number>();
  for (const reading of node.device_health ?? []) readings.set(reading.index, reading.vram_free_mb);
  return readings;
}
