import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isNodeRoutable } from "../fleet/fleet-snapshot.js";
import { planInputArbitrary } from "../test-support/fleet-arbitraries.js";
import { isFeasibleOn } from "./is-feasible-on.js";
import { planRoute } from "./plan-route.js";
import { compareReplicaLoad } from "./replica-load.js";

const inputArbitrary = planInputArbitrary();

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
