import { describe, expect, it } from "vitest";
import type { CatalogueModel } from "../config/models-catalogue.js";
import type { FleetNode } from "../fleet/fleet-snapshot.js";
import { gpuNode, profile } from "../test-support/fleet-fixtures.js";
import { planRoute } from "./plan-route.js";

const MODEL = "Qwen/Qwen3-0.6B";

function coldRoute(nodes: FleetNode[], model: CatalogueModel, options = {}) {
  return planRoute({ nodes }, model.id, [model], {}, options);
}

describe("planRoute: cold-load placement", () => {
  it("picks the feasible node with the most free VRAM, and lists the others after it", () => {
    const model = profile({ id: MODEL, vram_mb: 500, min_device_vram_mb: 4000 });
    const result = coldRoute(
      [
        gpuNode("a", [24000], { free: [6000] }),
        gpuNode("b", [24000], { free: [20000] }),
        gpuNode("c", [2000]),
      ],
      model,
    );
    expect(
      result.ok && result.plan.candidates.map((candidate) => [candidate.node, candidate.freeVramMb]),
    ).toEqual([
      ["b", 20000],
      ["a", 6000],
    ]);
    expect(result.ok && result.plan.candidates[0]).toMatchObject({
      coldLoad: true,
      reason: "cold_load_most_free_vram",
      evict: [],
      loadSpec: { model_id: MODEL, devices: [0], tensor_parallel: null },
    });
  });

  it("places a pinned model only on its pinned nodes", () => {
    const model = profile({ id: MODEL, pinned_on: ["small"] });
    const result = coldRoute([gpuNode("big", [48000]), gpuNode("small", [8000])], model);
    expect(
      result.ok && result.plan.candidates.map((candidate) => [candidate.node, candidate.reason]),
    ).toEqual([["small", "cold_load_pinned"]]);
  });

  it("refuses with no_feasible_node (topology, no Retry-After) when no node can ever hold it", () => {
    const model = profile({ id: MODEL, min_devices: 2, min_device_vram_mb: 24000 });
    const result = coldRoute([gpuNode("a", [32000]), gpuNode("b", [32000, 16000])], model);
    expect(result).toEqual({
      ok: false,
      refusal: { kind: "no_feasible_node", model: MODEL, requested: MODEL, cause: "topology" },
    });
  });

  it("builds a tensor-parallel load spec on the GPUs meeting the floor", () => {
    const model = profile({
      id: "Qwen/Qwen3.6-27B",
      vram_mb: 54000,
      min_devices: 2,
      min_device_vram_mb: 24000,
    });
    const result = coldRoute([gpuNode("beast", [12000, 32000, 32000])], model);
    expect(result.ok && result.plan.candidates[0]?.loadSpec).toMatchObject({
      devices: [1, 2],
      tensor_parallel: 2,
    });
  });

  it("never cold-loads where discovery has not answered", () => {
    const model = profile({ id: MODEL });
    const unknown: FleetNode = { name: "a", healthy: true, devices: null };
    expect(coldRoute([unknown], model)).toMatchObject({ ok: false, refusal: { kind: "no_feasible_node" } });
  });

  it("cold-loads a model without VRAM needs on a CPU host, but not one with them", () => {
    const cpu: FleetNode = { name: "cpu", healthy: true, devices: [] };
    const plain = coldRoute([cpu], profile({ id: MODEL }));
    expect(plain.ok && plain.plan.candidates[0]).toMatchObject({ node: "cpu", loadSpec: { devices: null } });
    expect(coldRoute([cpu], profile({ id: MODEL, vram_mb: 500 })).ok).toBe(false);
    expect(coldRoute([cpu], profile({ id: MODEL, vram_mb: 500, min_devices: 0 })).ok).toBe(true);
  });

  it("skips a node where the model is poisoned", () => {
    const poisoned = gpuNode("a", [48000], { models: [{ id: MODEL, status: "poisoned" }] });
    const result = coldRoute([poisoned, gpuNode("b", [8000])], profile({ id: MODEL }));
    expect(result.ok && result.plan.candidates.map((candidate) => candidate.node)).toEqual(["b"]);
  });
});

describe("planRoute: cold load that needs eviction", () => {
  const model = profile({ id: MODEL, vram_mb: 8000 });
  const idle = (id: string, vram_mb: number, last_accessed_ms: number) =>
    ({ id, status: "loaded", vram_mb, last_accessed_ms }) as const;

  it("plans to evict idle models, least recently used first, and ranks nodes that fit first", () => {
    const full = gpuNode("a", [24000], {
      free: [2000],
      models: [idle("old", 5000, 1), idle("newer", 5000, 2), idle("newest", 5000, 3)],
    });
    const roomy = gpuNode("z", [12000], { free: [9000] });
    const result = coldRoute([full, roomy], model);
    expect(result.ok && result.plan.candidates.map((candidate) => [candidate.node, candidate.evict])).toEqual(
      [
        ["z", []],
        ["a", ["old", "newer"]],
      ],
    );
  });

  it("never plans to evict a busy or pinned model, and refuses for capacity with a Retry-After", () => {
    const pinnedModel = profile({ id: "pinned", pinned_on: ["a"] });
    const full = gpuNode("a", [24000], {
      free: [2000],
      models: [idle("busy", 10000, 1), idle("pinned", 10000, 2)],
      load: [{ id: "busy", in_flight: 0, queue_depth: 1 }],
    });
    const result = planRoute({ nodes: [full] }, MODEL, [model, pinnedModel], {});
    expect(result).toEqual({
      ok: false,
      refusal: {
        kind: "no_feasible_node",
        model: MODEL,
        requested: MODEL,
        cause: "capacity",
        retryAfterSecs: 5,
      },
    });
  });

  it("uses residency priority under the priority strategy", () => {
    const low = profile({ id: "low", priority: -1 });
    const full = gpuNode("a", [24000], { free: [0], models: [idle("old", 8000, 1), idle("low", 8000, 5)] });
    const lru = planRoute({ nodes: [full] }, MODEL, [model, low], {});
    const byPriority = planRoute(
      { nodes: [full] },
      MODEL,
      [model, low],
      {},
      { evictionStrategy: "priority" },
    );
    expect(lru.ok && lru.plan.candidates[0]?.evict).toEqual(["old"]);
    expect(byPriority.ok && byPriority.plan.candidates[0]?.evict).toEqual(["low"]);
  });

  it("only evicts models on the GPU the load will use, when their devices are known", () => {
    const node = gpuNode("a", [16000, 16000], {
      free: [4000, 1000],
      models: [
        { ...idle("on-gpu0", 9000, 5), devices: [0] },
        { ...idle("on-gpu1", 9000, 1), devices: [1] },
      ],
    });
    const result = coldRoute([node], model);
    expect(result.ok && result.plan.candidates[0]).toMatchObject({
      loadSpec: { devices: [0] },
      evict: ["on-gpu0"],
    });
  });
});
