import {
  type CatalogueModel,
  catalogueModelSchema,
  type FleetNode,
  type FleetSnapshot,
  fleetSnapshotSchema,
} from "@helexa/core";

export interface SyntheticFleet {
  snapshot: FleetSnapshot;
  catalogue: CatalogueModel[];
  /** Models each node reports; a tenth of them loaded on any node. */
  servedModels: string[];
  /** Catalogue models no node has: every request for one plans a cold load (with eviction). */
  coldModels: string[];
}

/** A small integer PRNG (mulberry32): the same fleet on every run and Node version. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function node(
  index: number,
  servedModels: readonly string[],
  random: () => number,
  sparse: boolean,
): FleetNode {
  const loadedEvery = 10;
  const all = servedModels.map((id, modelIndex) => {
    const loaded = (modelIndex + index) % loadedEvery === 0;
    return {
      id,
      status: loaded ? ("loaded" as const) : ("unloaded" as const),
      last_accessed_ms: loaded ? 1_700_000_000_000 + Math.floor(random() * 1e6) : null,
      vram_mb: loaded ? 4000 : null,
      devices: [modelIndex % 2],
    };
  });
  const models = sparse ? all.filter((entry) => entry.status === "loaded") : all;
  return {
    name: `node-${String(index).padStart(4, "0")}`,
    healthy: random() > 0.02,
    devices: [
      { index: 0, vram_total_mb: 24_576 },
      { index: 1, vram_total_mb: 24_576 },
    ],
    device_health: [
      { index: 0, vram_free_mb: Math.floor(random() * 12_000) },
      { index: 1, vram_free_mb: Math.floor(random() * 12_000) },
    ],
    models,
    load: models
      .filter((entry) => entry.status === "loaded")
      .map((entry) => ({
        id: entry.id,
        in_flight: Math.floor(random() * 5),
        queue_depth: Math.floor(random() * 9),
        max_in_flight: 4,
        max_queue_depth: 8,
      })),
  };
}

/**
 * `nodeCount` two-GPU nodes that each report the same `modelCount` models, a tenth of them loaded (so every
 * model is loaded on about a tenth of the nodes) with random admission load, plus ten catalogue-only models.
 * `sparse`: each node reports only the models it has loaded.
 */
export function buildSyntheticFleet(
  nodeCount: number,
  modelCount: number,
  options: { seed?: number; sparse?: boolean } = {},
): SyntheticFleet {
  const seed = options.seed ?? 5;
  const random = createRandom(seed);
  const servedModels = Array.from({ length: modelCount }, (_, index) => `org/model-${index}`);
  const coldModels = Array.from({ length: 10 }, (_, index) => `org/cold-${index}`);
  const snapshot = fleetSnapshotSchema.parse({
    nodes: Array.from({ length: nodeCount }, (_, index) =>
      node(index, servedModels, random, options.sparse === true),
    ),
  });
  const catalogue = [...servedModels, ...coldModels].map((id) =>
    catalogueModelSchema.parse({ id, vram_mb: 4000, uri: `hf:${id}:Q4_K_M` }),
  );
  return { snapshot, catalogue, servedModels, coldModels };
}
