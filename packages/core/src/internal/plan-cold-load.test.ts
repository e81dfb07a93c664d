import { describe, expect, it } from "vitest";
import { indexFleet } from "../routing/index-fleet.js";
import { planRoute } from "../routing/plan-route.js";
import { gpuNode, profile } from "../test-support/fleet-fixtures.js";

const model = profile({ id: "big", vram_mb: 10_000 });
const filler = { id: "old", status: "loaded" as const, vram_mb: 8_000, last_accessed_ms: 1, devices: [0] };

function coldNodes(plan: ReturnType<typeof planRoute>) {
  if (!plan.ok) throw new Error(`refused: ${plan.refusal.kind}`);
  return plan.plan.candidates.map((candidate) => [candidate.node, candidate.freeVramMb, candidate.evict]);
}

describe("planColdLoad's kept placements", () => {
  it("a node that changed is placed again on the next index; unchanged ones keep their placement", () => {
    const nodes = [
      gpuNode("a", [24_000], { free: [12_000] }),
      gpuNode("b", [24_000], { free: [16_000] }),
      gpuNode("c", [24_000], { free: [4_000], models: [filler] }),
    ];
    const first = indexFleet({ nodes });
    expect(coldNodes(planRoute(first, "big", [model], {}))).toEqual([
      ["b", 16_000, []],
      ["a", 12_000, []],
      ["c", 4_000, ["old"]],
    ]);
    // b fills up (a new node object, as cortex builds one per change), c frees its GPU.
    const changed = [
      nodes[0]!,
      gpuNode("b", [24_000], { free: [1_000] }),
      gpuNode("c", [24_000], { free: [20_000] }),
    ];
    const second = indexFleet({ nodes: changed }, first);
    expect(coldNodes(planRoute(second, "big", [model], {}))).toEqual([
      ["c", 20_000, []],
      ["a", 12_000, []],
    ]);
    // The first index still plans as it did.
    expect(coldNodes(planRoute(first, "big", [model], {}))[0]).toEqual(["b", 16_000, []]);
  });

  it("a kept eviction plan follows the catalogue and strategy it was made for", () => {
    const node = gpuNode("c", [24_000], {
      free: [4_000],
      models: [filler, { id: "older", status: "loaded", vram_mb: 8_000, last_accessed_ms: 2, devices: [0] }],
    });
    const indexed = indexFleet({ nodes: [node] });
    const catalogue = [model, profile({ id: "old", priority: 5 }), profile({ id: "older", priority: 1 })];
    expect(coldNodes(planRoute(indexed, "big", catalogue, {}))).toEqual([["c", 4_000, ["old"]]]);
    expect(coldNodes(planRoute(indexed, "big", catalogue, {}, { evictionStrategy: "priority" }))).toEqual([
      ["c", 4_000, ["older"]],
    ]);
    const pinned = [model, profile({ id: "old", pinned_on: ["c"] }), profile({ id: "older" })];
    expect(coldNodes(planRoute(indexed, "big", pinned, {}))).toEqual([["c", 4_000, ["older"]]]);
  });

  it("candidates are frozen: a caller cannot change a plan another decision shares", () => {
    const indexed = indexFleet({ nodes: [gpuNode("a", [24_000])] });
    const plan = planRoute(indexed, "big", [model], {});
    if (!plan.ok) throw new Error("refused");
    expect(Object.isFrozen(plan.plan.candidates[0])).toBe(true);
    expect(Object.isFrozen(plan.plan.candidates[0]?.loadSpec)).toBe(true);
  });
});
