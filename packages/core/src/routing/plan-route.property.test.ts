import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CatalogueModel } from "../config/models-catalogue.js";
import { type FleetNode, type FleetSnapshot, isNodeRoutable } from "../fleet/fleet-snapshot.js";
import { profile } from "../test-support/fleet-fixtures.js";
import { modelStatusSchema } from "../wire/models.js";
import { isFeasibleOn } from "./is-feasible-on.js";
import { planRoute } from "./plan-route.js";
import { compareReplicaLoad } from "./replica-load.js";

const NODE_NAMES = ["a", "b", "c", "d", "e"];
const MODEL_IDS = ["m1", "m2", "m3", "m4"];

const nodeArbitrary = (name: string): fc.Arbitrary<FleetNode> =>
  fc
    .record({
      healthy: fc.boolean(),
      draining: fc.option(fc.boolean(), { nil: undefined }),
      gpus: fc.option(fc.array(fc.integer({ min: 0, max: 48000 }), { maxLength: 4 })),
      free: fc.array(fc.integer({ min: 0, max: 48000 }), { maxLength: 4 }),
      models: fc.uniqueArray(
        fc.record({
          id: fc.constantFrom(...MODEL_IDS),
          status: fc.constantFrom(...modelStatusSchema.options),
          vram_mb: fc.option(fc.integer({ min: 0, max: 30000 })),
          last_accessed_ms: fc.option(fc.nat(1000)),
        }),
        { selector: (entry) => entry.id },
      ),
      load: fc.uniqueArray(
        fc.record({
          id: fc.constantFrom(...MODEL_IDS),
          in_flight: fc.nat(4),
          queue_depth: fc.nat(6),
          max_in_flight: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
          max_queue_depth: fc.option(fc.nat(4), { nil: undefined }),
        }),
        { selector: (entry) => entry.id },
      ),
    })
    .map((fields) => ({
      name,
      healthy: fields.healthy,
      ...(fields.draining === undefined ? {} : { draining: fields.draining }),
      devices: fields.gpus?.map((vram_total_mb, index) => ({ index, vram_total_mb })) ?? null,
      device_health: fields.free.map((vram_free_mb, index) => ({ index, vram_free_mb })),
      models: fields.models,
      load: fields.load.map((load) => JSON.parse(JSON.stringify(load))),
    }));

const snapshotArbitrary: fc.Arbitrary<FleetSnapshot> = fc
  .subarray(NODE_NAMES)
  .chain((names) => fc.tuple(...names.map(nodeArbitrary)))
  .map((nodes) => ({ nodes }));

const catalogueArbitrary: fc.Arbitrary<CatalogueModel[]> = fc.uniqueArray(
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

const inputArbitrary = fc.record({
  snapshot: snapshotArbitrary,
  catalogue: catalogueArbitrary,
  requested: fc.constantFrom(...MODEL_IDS, "alias", "unknown"),
  aliasTarget: fc.constantFrom(...MODEL_IDS),
  strategy: fc.constantFrom("lru" as const, "priority" as const),
});

const RUNS = { numRuns: 500 };

describe("planRoute properties", () => {
  it("never plans an unhealthy or draining node, and lists each node at most once", () => {
    fc.assert(
      fc.property(inputArbitrary, ({ snapshot, catalogue, requested, aliasTarget, strategy }) => {
        const result = planRoute(
          snapshot,
          requested,
          catalogue,
          { alias: aliasTarget },
          { evictionStrategy: strategy },
        );
        const routable = snapshot.nodes.filter(isNodeRoutable);
        if (routable.length === 0) {
          expect(result.ok === false && result.refusal.kind).toBe("no_healthy_nodes");
          return;
        }
        if (!result.ok) return;
        const names = result.plan.candidates.map((candidate) => candidate.node);
        expect(names.length).toBeGreaterThan(0);
        expect(new Set(names).size).toBe(names.length);
        for (const name of names) expect(routable.some((node) => node.name === name)).toBe(true);
      }),
      RUNS,
    );
  });

  it("never plans a cold load on an infeasible node, nor evicts a pinned or busy model", () => {
    fc.assert(
      fc.property(inputArbitrary, ({ snapshot, catalogue, requested, aliasTarget, strategy }) => {
        const result = planRoute(
          snapshot,
          requested,
          catalogue,
          { alias: aliasTarget },
          { evictionStrategy: strategy },
        );
        if (!result.ok) return;
        for (const candidate of result.plan.candidates) {
          const node = snapshot.nodes.find((entry) => entry.name === candidate.node);
          if (node === undefined) throw new Error("candidate names no node");
          if (candidate.reason === "cold_load_pinned" || candidate.reason === "cold_load_most_free_vram") {
            const model = catalogue.find((entry) => entry.id === result.plan.model);
            expect(model && isFeasibleOn(model, node)).toBe(true);
          }
          for (const id of candidate.evict) {
            expect(catalogue.find((entry) => entry.id === id)?.pinned_on ?? []).not.toContain(node.name);
            const load = node.load?.find((entry) => entry.id === id);
            expect((load?.in_flight ?? 0) + (load?.queue_depth ?? 0)).toBe(0);
          }
        }
      }),
      RUNS,
    );
  });

  it("puts the replica with the minimum load score first, in least-busy order", () => {
    fc.assert(
      fc.property(inputArbitrary, ({ snapshot, catalogue, requested, aliasTarget }) => {
        const result = planRoute(snapshot, requested, catalogue, { alias: aliasTarget });
        if (!result.ok || result.plan.candidates[0]?.reason !== "least_busy") return;
        const [first, ...rest] = result.plan.candidates;
        if (first === undefined) return;
        for (const other of rest) {
          if (!other.queueFull) expect(first.queueFull).toBe(false);
          if (first.queueFull === other.queueFull) expect(first.score).toBeLessThanOrEqual(other.score);
        }
        const candidates = result.plan.candidates;
        for (let index = 1; index < candidates.length; index++) {
          const [previous, next] = [candidates[index - 1], candidates[index]];
          if (previous && next) expect(compareReplicaLoad(previous, next)).toBeLessThanOrEqual(0);
        }
      }),
      RUNS,
    );
  });

  it("gives the same plan for the same input, whatever the order of the nodes", () => {
    fc.assert(
      fc.property(inputArbitrary, ({ snapshot, catalogue, requested, aliasTarget, strategy }) => {
        const options = { evictionStrategy: strategy };
        const aliases = { alias: aliasTarget };
        const once = planRoute(snapshot, requested, catalogue, aliases, options);
        const again = planRoute(structuredClone(snapshot), requested, catalogue, aliases, options);
        const reversed = planRoute(
          { nodes: [...snapshot.nodes].reverse() },
          requested,
          catalogue,
          aliases,
          options,
        );
        expect(again).toEqual(once);
        expect(reversed).toEqual(once);
      }),
      RUNS,
    );
  });
});
