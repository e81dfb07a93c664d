import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { indexFleet } from "../routing/index-fleet.js";
import { planRoute } from "../routing/plan-route.js";
import { catalogueArbitrary, MODEL_IDS, nodeArbitrary } from "../test-support/fleet-arbitraries.js";
import { profile } from "../test-support/fleet-fixtures.js";
import { planRouteByScan } from "../test-support/plan-route-by-scan.js";

/** A catalogue model no node reports: every request for it plans a catalogue cold load. */
const coldModelArbitrary = fc
  .record({
    vram_mb: fc.option(fc.integer({ min: 0, max: 30000 }), { nil: undefined }),
    min_devices: fc.nat(2),
    min_device_vram_mb: fc.option(fc.integer({ min: 0, max: 40000 }), { nil: undefined }),
    pinned_on: fc.subarray(["n1", "n2", "n3"], { maxLength: 2 }),
    priority: fc.integer({ min: -2, max: 2 }),
  })
  .map((fields) => profile(JSON.parse(JSON.stringify({ id: "cold", ...fields }))));

/**
 * Fleets of up to 40 nodes (names may repeat), so cold loads have many feasible nodes to order; half the
 * requests are for a model only the catalogue has.
 */
const largeInputArbitrary = fc.record({
  nodes: fc
    .array(fc.nat(30), { maxLength: 40 })
    .chain((names) => fc.tuple(...names.map((name) => nodeArbitrary(`n${name}`, { repeats: true })))),
  catalogue: fc
    .tuple(catalogueArbitrary, coldModelArbitrary)
    .map(([catalogue, cold]) => [...catalogue, cold]),
  requested: fc.constantFrom(...MODEL_IDS, "cold", "cold", "cold", "cold"),
  strategy: fc.constantFrom("lru" as const, "priority" as const),
  limit: fc.integer({ min: 1, max: 45 }),
});

describe("planRoute's cold-load planning", () => {
  it("plans exactly as the scan does on large random fleets, from a snapshot or its index", () => {
    fc.assert(
      fc.property(largeInputArbitrary, ({ nodes, catalogue, requested, strategy }) => {
        const snapshot = { nodes };
        const options = { evictionStrategy: strategy };
        const expected = planRouteByScan(snapshot, requested, catalogue, {}, options);
        expect(planRoute(snapshot, requested, catalogue, {}, options)).toEqual(expected);
        expect(planRoute(indexFleet(snapshot), requested, catalogue, {}, options)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it("with maxColdCandidates, gives the first that many candidates of the full plan, or the same refusal", () => {
    fc.assert(
      fc.property(largeInputArbitrary, ({ nodes, catalogue, requested, strategy, limit }) => {
        const indexed = indexFleet({ nodes });
        const full = planRoute(indexed, requested, catalogue, {}, { evictionStrategy: strategy });
        const limited = planRoute(
          indexed,
          requested,
          catalogue,
          {},
          {
            evictionStrategy: strategy,
            maxColdCandidates: limit,
          },
        );
        if (!full.ok) {
          expect(limited).toEqual(full);
          return;
        }
        if (!limited.ok) throw new Error("a limit turned a plan into a refusal");
        const catalogueCold = full.plan.candidates.some(
          (candidate) =>
            candidate.reason === "cold_load_pinned" || candidate.reason === "cold_load_most_free_vram",
        );
        expect(limited.plan.candidates).toEqual(
          catalogueCold ? full.plan.candidates.slice(0, limit) : full.plan.candidates,
        );
      }),
      { numRuns: 400 },
    );
  });
});
