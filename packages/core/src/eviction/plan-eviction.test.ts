import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FleetModelEntry } from "../fleet/fleet-snapshot.js";
import { gpuNode, profile } from "../test-support/fleet-fixtures.js";
import { modelStatusSchema } from "../wire/models.js";
import { buildEvictionInput } from "./build-eviction-input.js";
import { planEviction } from "./plan-eviction.js";

const loaded = (id: string, vram_mb: number | null, last_accessed_ms: number | null): FleetModelEntry => ({
  id,
  status: "loaded",
  vram_mb,
  last_accessed_ms,
});

describe("planEviction", () => {
  it("test_evict_lru_model: the older model goes first", () => {
    const models = [loaded("new-model", 4000, 2000), loaded("old-model", 4000, 1000)];
    expect(planEviction({ models }, 1000)).toEqual({ ok: true, evict: ["old-model"], freedMb: 4000 });
  });

  it("test_eviction_nothing_to_evict", () => {
    expect(planEviction({ models: [] }, 1000)).toEqual({
      ok: false,
      reason: "nothing_evictable",
      evictableMb: 0,
      neededMb: 1000,
    });
  });

  it("needs nothing for 0 MiB", () => {
    expect(planEviction({ models: [loaded("a", 1, 1)] }, 0)).toEqual({ ok: true, evict: [], freedMb: 0 });
  });

  it("treats never-accessed as oldest and breaks ties by id", () => {
    const models = [loaded("b", 100, 5), loaded("z", 100, null), loaded("a", 100, 5)];
    expect(planEviction({ models }, 300)).toMatchObject({ ok: true, evict: ["z", "a", "b"] });
  });

  it("takes as many as needed, least recently used first", () => {
    const models = [loaded("a", 2000, 1), loaded("b", 2000, 2), loaded("c", 2000, 3)];
    expect(planEviction({ models }, 3000)).toEqual({ ok: true, evict: ["a", "b"], freedMb: 4000 });
  });

  it("never evicts a pinned model, one in flight or one with requests queued", () => {
    const models = [
      loaded("pinned", 9000, 1),
      loaded("running", 9000, 2),
      loaded("queued", 9000, 3),
      loaded("idle", 1000, 4),
    ];
    const load = [
      { id: "running", in_flight: 1, queue_depth: 0 },
      { id: "queued", in_flight: 0, queue_depth: 2 },
      { id: "idle", in_flight: 0, queue_depth: 0 },
    ];
    expect(planEviction({ models, load, pinned: ["pinned"] }, 500)).toEqual({
      ok: true,
      evict: ["idle"],
      freedMb: 1000,
    });
    expect(planEviction({ models, load, pinned: ["pinned"] }, 5000)).toEqual({
      ok: false,
      reason: "insufficient_evictable",
      evictableMb: 1000,
      neededMb: 5000,
    });
  });

  it("only evicts loaded models of known size", () => {
    const models: FleetModelEntry[] = [
      loaded("unknown-size", null, 1),
      { id: "unloaded", status: "unloaded", vram_mb: 5000, last_accessed_ms: 1 },
      { id: "loading", status: "loading", vram_mb: 5000, last_accessed_ms: 1 },
      { id: "recovering", status: "recovering", vram_mb: 5000, last_accessed_ms: 1 },
    ];
    expect(planEviction({ models }, 1)).toMatchObject({ ok: false, reason: "nothing_evictable" });
  });

  it("orders by residency priority, then LRU, under the priority strategy", () => {
    const models = [
      loaded("old-important", 1000, 1),
      loaded("new-cheap", 1000, 9),
      loaded("default", 1000, 5),
    ];
    const priorities = { "old-important": 10, "new-cheap": -5 };
    expect(planEviction({ models, priorities }, 2000, "priority")).toMatchObject({
      evict: ["new-cheap", "default"],
    });
    expect(planEviction({ models, priorities }, 2000, "lru")).toMatchObject({
      evict: ["old-important", "default"],
    });
  });

  it("never evicts a protected model and frees what it claims (property)", () => {
    const entry = fc.record({
      id: fc.constantFrom("a", "b", "c", "d", "e", "f"),
      status: fc.constantFrom(...modelStatusSchema.options),
      vram_mb: fc.option(fc.integer({ min: 0, max: 20000 })),
      last_accessed_ms: fc.option(fc.integer({ min: 0, max: 100 })),
    });
    const load = fc.record({
      id: fc.constantFrom("a", "b", "c", "d", "e", "f"),
      in_flight: fc.nat(2),
      queue_depth: fc.nat(2),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(entry, { selector: (model) => model.id }),
        fc.array(load),
        fc.subarray<string>(["a", "b", "c", "d", "e", "f"]),
        fc.integer({ min: -10, max: 60000 }),
        fc.constantFrom("lru" as const, "priority" as const),
        (models, loads, pinned, neededMb, strategy) => {
          const plan = planEviction(
            { models, load: loads, pinned, priorities: { a: 1, b: -1 } },
            neededMb,
            strategy,
          );
          if (!plan.ok) return;
          const busy = new Set<string>(loads.filter((l) => l.in_flight + l.queue_depth > 0).map((l) => l.id));
          for (const id of plan.evict) {
            expect(pinned).not.toContain(id);
            expect(busy.has(id)).toBe(false);
            expect(models.find((model) => model.id === id)?.status).toBe("loaded");
          }
          const sum = plan.evict.reduce(
            (total, id) => total + (models.find((model) => model.id === id)?.vram_mb ?? 0),
            0,
          );
          expect(plan.freedMb).toBe(sum);
          expect(plan.freedMb).toBeGreaterThanOrEqual(neededMb);
        },
      ),
    );
  });
});

describe("buildEvictionInput", () => {
  it("collects the node's models, load, pins on it and catalogue priorities", () => {
    const node = gpuNode("beast", [24000], {
      models: [loaded("a", 1, 1)],
      load: [{ id: "a", in_flight: 0, queue_depth: 0 }],
    });
    const catalogue = [
      profile({ id: "a", pinned_on: ["beast"], priority: 3 }),
      profile({ id: "b", pinned_on: ["benjy"] }),
      profile({ id: "__proto__", priority: 7 }),
    ];
    const input = buildEvictionInput(node, catalogue);
    expect(input.pinned).toEqual(["a"]);
    expect(input.models).toEqual(node.models);
    expect(input.load).toEqual(node.load);
    expect(Object.hasOwn(input.priorities ?? {}, "__proto__")).toBe(true);
    expect(input.priorities?.a).toBe(3);
  });
});
