import fc from "fast-check";
import type { CatalogueModel } from "../config/models-catalogue.js";
import type { FleetModelEntry, FleetNode, FleetSnapshot } from "../fleet/fleet-snapshot.js";
import type { ModelLoad } from "../wire/health.js";
import { modelStatusSchema } from "../wire/models.js";
import { profile } from "./fleet-fixtures.js";

export const NODE_NAMES = ["a", "b", "c", "d", "e"];
export const MODEL_IDS = ["m1", "m2", "m3", "m4"];

/**
 * Random fleets for property tests. `repeats`: a node may list a model id or a load id twice, and two
 * nodes may share a name (the schema allows both; the planner must stay deterministic).
 */
export interface FleetArbitraryOptions {
  repeats?: boolean;
}

const entryArbitrary: fc.Arbitrary<FleetModelEntry> = fc.record({
  id: fc.constantFrom(...MODEL_IDS),
  status: fc.constantFrom(...modelStatusSchema.options),
  vram_mb: fc.option(fc.integer({ min: 0, max: 30000 })),
  last_accessed_ms: fc.option(fc.nat(1000)),
});

const loadArbitrary: fc.Arbitrary<ModelLoad> = fc
  .record({
    id: fc.constantFrom(...MODEL_IDS),
    in_flight: fc.nat(4),
    queue_depth: fc.nat(6),
    max_in_flight: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    max_queue_depth: fc.option(fc.nat(4), { nil: undefined }),
  })
  .map((load) => JSON.parse(JSON.stringify(load)));

/** One node named `name`: health, GPUs, free VRAM, models and loads all random. */
export function nodeArbitrary(name: string, options: FleetArbitraryOptions = {}): fc.Arbitrary<FleetNode> {
  const byId = { selector: (entry: { id: string }) => entry.id };
  return fc
    .record({
      healthy: fc.boolean(),
      draining: fc.option(fc.boolean(), { nil: undefined }),
      gpus: fc.option(fc.array(fc.integer({ min: 0, max: 48000 }), { maxLength: 4 })),
      free: fc.array(fc.integer({ min: 0, max: 48000 }), { maxLength: 4 }),
      models: options.repeats
        ? fc.array(entryArbitrary, { maxLength: 6 })
        : fc.uniqueArray(entryArbitrary, byId),
      load: options.repeats ? fc.array(loadArbitrary, { maxLength: 6 }) : fc.uniqueArray(loadArbitrary, byId),
    })
    .map((fields) => ({
      name,
      healthy: fields.healthy,
      ...(fields.draining === undefined ? {} : { draining: fields.draining }),
      devices: fields.gpus?.map((vram_total_mb, index) => ({ index, vram_total_mb })) ?? null,
      device_health: fields.free.map((vram_free_mb, index) => ({ index, vram_free_mb })),
      models: fields.models,
      load: fields.load,
    }));
}

/** A snapshot of up to five nodes (with `repeats`, names may repeat and come in any order). */
export function snapshotArbitrary(options: FleetArbitraryOptions = {}): fc.Arbitrary<FleetSnapshot> {
  const names = options.repeats
    ? fc.array(fc.constantFrom(...NODE_NAMES), { maxLength: 6 })
    : fc.subarray(NODE_NAMES);
  return names
    .chain((chosen) => fc.tuple(...chosen.map((name) => nodeArbitrary(name, options))))
    .map((nodes) => ({ nodes }));
}

export const catalogueArbitrary: fc.Arbitrary<CatalogueModel[]> = fc.uniqueArray(
  fc
    .record({
      id: fc.constantFrom(...MODEL_IDS),
      vram_mb: fc.option(fc.integer({ min: 0, max: 30000 }), { nil: undefined }),
      min_devices: fc.nat(3),
      min_device_vram_mb: fc.option(fc.integer({ min: 0, max: 40000 }), { nil: undefined }),
      pinned_on: fc.subarray(NODE_NAMES, { maxLength: 2 }),
      priority: fc.integer({ min: -2, max: 2 }),
    })
    .map((fields) => profile(JSON.parse(JSON.stringify(fields)))),
  { selector: (model) => model.id },
);

/** A whole `planRoute` input: snapshot, catalogue, requested id (maybe an alias or unknown), strategy. */
export function planInputArbitrary(options: FleetArbitraryOptions = {}) {
  return fc.record({
    snapshot: snapshotArbitrary(options),
    catalogue: catalogueArbitrary,
    requested: fc.constantFrom(...MODEL_IDS, "alias", "unknown"),
    aliasTarget: fc.constantFrom(...MODEL_IDS),
    strategy: fc.constantFrom("lru" as const, "priority" as const),
  });
}
