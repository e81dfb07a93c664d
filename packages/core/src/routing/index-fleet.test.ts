import { describe, expect, it } from "vitest";
import type { FleetNode, FleetSnapshot } from "../fleet/fleet-snapshot.js";
import { gpuNode, profile, replica } from "../test-support/fleet-fixtures.js";
import { indexFleet } from "./index-fleet.js";
import { isIndexedFleet } from "./indexed-fleet.js";
import { planRoute } from "./plan-route.js";

const MODEL = "m";

function withLoad(node: FleetNode, inFlight: number): FleetNode {
  return { ...node, load: [{ id: MODEL, in_flight: inFlight, queue_depth: 0 }] };
}

function firstNode(fleet: Parameters<typeof planRoute>[0]): string | undefined {
  const result = planRoute(fleet, MODEL, [profile({ id: MODEL })], {});
  return result.ok ? result.plan.candidates[0]?.node : result.refusal.kind;
}

describe("indexFleet", () => {
  it("groups the nodes reporting each model by status, in name order, unhealthy ones included", () => {
    const snapshot: FleetSnapshot = {
      nodes: [
        gpuNode("c", [8000], { models: [{ id: MODEL, status: "loaded" }] }),
        gpuNode("a", [8000], { models: [{ id: MODEL, status: "reloading" }], healthy: false }),
        gpuNode("b", [8000], {
          models: [
            { id: MODEL, status: "unloaded" },
            { id: "other", status: "poisoned" },
          ],
        }),
      ],
    };
    const indexed = indexFleet(snapshot);
    expect(isIndexedFleet(indexed)).toBe(true);
    expect(isIndexedFleet(snapshot)).toBe(false);
    expect(indexed.routableCount).toBe(2);
    expect(indexed.holders.get(MODEL)).toEqual({
      serving: [1, 0],
      loading: [],
      unloaded: [2],
      recovering: [],
      reporting: [1, 2, 0],
    });
    expect(indexed.holders.get("other")).toEqual({
      serving: [],
      loading: [],
      unloaded: [],
      recovering: [],
      reporting: [2],
    });
    expect(indexed.nodes.map((entry) => entry.freeVramMb)).toEqual([8000, 8000, 8000]);
  });

  it("reuses the previous index's groups and unchanged nodes when only load changed", () => {
    const a = replica("a", MODEL, { in_flight: 0, queue_depth: 0 });
    const b = replica("b", MODEL, { in_flight: 1, queue_depth: 0 });
    const before = indexFleet({ nodes: [a, b] });
    expect(indexFleet(before.snapshot, before)).toBe(before);
    expect(firstNode(before)).toBe("a");

    const after = indexFleet({ nodes: [withLoad(a, 3), b] }, before);
    expect(after.holders).toBe(before.holders);
    expect(after.nodes[1]).toBe(before.nodes[1]);
    expect(firstNode(after)).toBe("b");
    expect(firstNode(before)).toBe("a");
  });

  it("sees a node turn unhealthy without rebuilding the groups", () => {
    const a = replica("a", MODEL, { in_flight: 0, queue_depth: 0 });
    const b = replica("b", MODEL, { in_flight: 2, queue_depth: 0 });
    const before = indexFleet({ nodes: [a, b] });
    const after = indexFleet({ nodes: [{ ...a, healthy: false }, b] }, before);
    expect(after.holders).toBe(before.holders);
    expect(after.routableCount).toBe(1);
    expect(firstNode(after)).toBe("b");
    expect(
      firstNode(
        indexFleet(
          {
            nodes: [
              { ...a, healthy: false },
              { ...b, draining: true },
            ],
          },
          after,
        ),
      ),
    ).toBe("no_healthy_nodes");
  });

  it("rebuilds the groups when a node reports a model in another status, or the fleet changes shape", () => {
    const a = replica("a", MODEL, { in_flight: 0, queue_depth: 0 });
    const b = replica("b", MODEL, { in_flight: 2, queue_depth: 0 });
    const before = indexFleet({ nodes: [a, b] });
    const unloadedOnA = { ...a, models: [{ id: MODEL, status: "unloaded" as const }] };
    const after = indexFleet({ nodes: [unloadedOnA, b] }, before);
    expect(after.holders).not.toBe(before.holders);
    expect(after.holders.get(MODEL)?.serving).toEqual([1]);
    expect(firstNode(after)).toBe("b");

    const grown = indexFleet({ nodes: [a, b, replica("c", MODEL, undefined)] }, before);
    expect(grown.holders.get(MODEL)?.serving).toEqual([0, 1, 2]);
    expect(firstNode(grown)).toBe("a");
    const renamed = indexFleet({ nodes: [{ ...a, name: "z" }, b] }, before);
    expect(renamed.holders.get(MODEL)?.serving).toEqual([1, 0]);
  });
});
