import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FleetNode, FleetSnapshot } from "../fleet/fleet-snapshot.js";
import {
  catalogueArbitrary,
  MODEL_IDS,
  nodeArbitrary,
  planInputArbitrary,
  snapshotArbitrary,
} from "../test-support/fleet-arbitraries.js";
import { planRouteByScan } from "../test-support/plan-route-by-scan.js";
import { modelStatusSchema } from "../wire/models.js";
import { indexFleet } from "./index-fleet.js";
import { planRoute } from "./plan-route.js";

const RUNS = { numRuns: 500 };
const REQUESTS = [...MODEL_IDS, "alias", "unknown"];

type Change = "keep" | "load" | "health" | "vram" | "access" | "status" | "models" | "replace";
const CHANGES: Change[] = ["keep", "load", "health", "vram", "access", "status", "models", "replace"];
const STATUSES = modelStatusSchema.options;

/** The node after one kind of change, `fresh` (and `shift`, for statuses) supplying the new values. */
function change(node: FleetNode, fresh: FleetNode, kind: Change, shift: number): FleetNode {
  switch (kind) {
    case "keep":
      return node;
    case "load":
      return { ...node, ...(fresh.load === undefined ? {} : { load: fresh.load }) };
    case "health":
      return { ...node, healthy: fresh.healthy, draining: fresh.draining === true };
    case "vram":
      return { ...node, devices: fresh.devices ?? null, device_health: fresh.device_health ?? [] };
    case "access":
      return {
        ...node,
        models: (node.models ?? []).map((entry, index) => ({ ...entry, last_accessed_ms: index * 7 })),
      };
    case "status": {
      const models = (node.models ?? []).map((entry, index) => ({
        ...entry,
        status: STATUSES[(STATUSES.indexOf(entry.status) + shift * index) % STATUSES.length] ?? "loaded",
      }));
      return { ...node, models };
    }
    case "models":
      return { ...node, ...(fresh.models === undefined ? {} : { models: fresh.models }) };
    case "replace":
      return fresh;
  }
}

/** A fleet, then the same fleet a little later: each node kept, or changed in one way. */
const evolvingFleetArbitrary: fc.Arbitrary<{ before: FleetSnapshot; after: FleetSnapshot }> =
  snapshotArbitrary({ repeats: true }).chain((before) =>
    fc
      .tuple(
        fc.tuple(
          ...before.nodes.map((node) =>
            fc.tuple(
              nodeArbitrary(node.name, { repeats: true }),
              fc.constantFrom(...CHANGES),
              fc.nat(STATUSES.length - 1),
            ),
          ),
        ),
        fc.constantFrom("same", "same", "same", "reverse", "drop_last"),
      )
      .map(([changes, shape]) => {
        const nodes = before.nodes.map((node, index) => {
          const [fresh, kind, shift] = changes[index] ?? [node, "keep" as const, 0];
          return change(node, fresh, kind, shift);
        });
        if (shape === "reverse") nodes.reverse();
        if (shape === "drop_last") nodes.pop();
        return { before, after: { nodes } };
      }),
  );

describe("indexFleet + planRoute match the scanning planner", () => {
  it("plans exactly as the scan does, from a snapshot or its index, repeated names and ids included", () => {
    fc.assert(
      fc.property(
        planInputArbitrary({ repeats: true }),
        ({ snapshot, catalogue, requested, aliasTarget, strategy }) => {
          const options = { evictionStrategy: strategy };
          const aliases = { alias: aliasTarget };
          const expected = planRouteByScan(snapshot, requested, catalogue, aliases, options);
          expect(planRoute(snapshot, requested, catalogue, aliases, options)).toEqual(expected);
          expect(planRoute(indexFleet(snapshot), requested, catalogue, aliases, options)).toEqual(expected);
        },
      ),
      RUNS,
    );
  });

  it("an index built on the previous snapshot's index equals a fresh one and plans the same", () => {
    fc.assert(
      fc.property(
        evolvingFleetArbitrary,
        catalogueArbitrary,
        fc.constantFrom("lru" as const, "priority" as const),
        ({ before, after }, catalogue, strategy) => {
          const previous = indexFleet(before);
          const next = indexFleet(after, previous);
          expect(next).toEqual(indexFleet(after));
          for (const requested of REQUESTS) {
            const options = { evictionStrategy: strategy };
            const aliases = { alias: "m1" };
            expect(planRoute(next, requested, catalogue, aliases, options)).toEqual(
              planRouteByScan(after, requested, catalogue, aliases, options),
            );
          }
        },
      ),
      RUNS,
    );
  });
});
