import { describe, expect, it } from "vitest";
import type { FleetNode } from "../fleet/fleet-snapshot.js";
import { gpuNode, profile, replica } from "../test-support/fleet-fixtures.js";
import { planRoute } from "./plan-route.js";
import type { PlanRouteResult } from "./route-plan.js";
import { routeRefusalToError } from "./route-refusal-to-error.js";

const MODEL = "test-model";

function route(nodes: FleetNode[], requested = MODEL, catalogue = [profile({ id: "unused" })], aliases = {}) {
  return planRoute({ nodes }, requested, catalogue, aliases);
}

function order(result: PlanRouteResult): string[] {
  if (!result.ok) throw new Error(`expected a plan, got ${result.refusal.kind}`);
  return result.plan.candidates.map((candidate) => candidate.node);
}

describe("planRoute: loaded replicas, least busy first", () => {
  it.each<[string, FleetNode[], string[]]>([
    [
      "routes_to_least_busy_replica: 4 busy on A, 0 on B",
      [
        replica("node-a", MODEL, { in_flight: 1, queue_depth: 3 }),
        replica("node-b", MODEL, { in_flight: 0, queue_depth: 0 }),
      ],
      ["node-b", "node-a"],
    ],
    [
      "the same after the loads flip",
      [
        replica("node-a", MODEL, { in_flight: 0, queue_depth: 0 }),
        replica("node-b", MODEL, { in_flight: 1, queue_depth: 5 }),
      ],
      ["node-a", "node-b"],
    ],
    [
      "ties_break_deterministically_by_name",
      [
        replica("node-b", MODEL, { in_flight: 0, queue_depth: 0 }),
        replica("node-a", MODEL, { in_flight: 0, queue_depth: 0 }),
      ],
      ["node-a", "node-b"],
    ],
    [
      "a 4-slot replica with 2 busy beats a 1-slot replica with 1 busy",
      [
        replica("node-a", MODEL, { in_flight: 1, queue_depth: 0, max_in_flight: 1, max_queue_depth: 8 }),
        replica("node-b", MODEL, { in_flight: 2, queue_depth: 0, max_in_flight: 4, max_queue_depth: 8 }),
      ],
      ["node-b", "node-a"],
    ],
    [
      "equal utilisation: fewer busy requests first",
      [
        replica("node-a", MODEL, { in_flight: 2, queue_depth: 0, max_in_flight: 4 }),
        replica("node-b", MODEL, { in_flight: 1, queue_depth: 0, max_in_flight: 2 }),
      ],
      ["node-b", "node-a"],
    ],
    [
      "a replica whose queue is full goes last even with a lower score",
      [
        replica("node-a", MODEL, { in_flight: 1, queue_depth: 0, max_in_flight: 1, max_queue_depth: 0 }),
        replica("node-b", MODEL, { in_flight: 1, queue_depth: 4, max_in_flight: 1, max_queue_depth: 8 }),
      ],
      ["node-b", "node-a"],
    ],
    [
      "unknown load counts as idle",
      [replica("node-a", MODEL, { in_flight: 1, queue_depth: 0 }), replica("node-b", MODEL, undefined)],
      ["node-b", "node-a"],
    ],
    [
      "an unhealthy replica is never a candidate",
      [
        replica("node-a", MODEL, { in_flight: 0, queue_depth: 0 }, { healthy: false }),
        replica("node-b", MODEL, { in_flight: 9, queue_depth: 9 }),
      ],
      ["node-b"],
    ],
    [
      "a draining replica is never a candidate",
      [
        { ...replica("node-a", MODEL, undefined), draining: true },
        replica("node-b", MODEL, { in_flight: 9, queue_depth: 9 }),
      ],
      ["node-b"],
    ],
  ])("%s", (_name, nodes, expected) => {
    const result = route(nodes);
    expect(order(result)).toEqual(expected);
    if (result.ok) {
      expect(
        result.plan.candidates.every((candidate) => !candidate.coldLoad && candidate.reason === "least_busy"),
      ).toBe(true);
    }
  });

  it("reports the score, busy count and full flag of each replica", () => {
    const result = route([
      replica("a", MODEL, { in_flight: 2, queue_depth: 1, max_in_flight: 2, max_queue_depth: 1 }),
    ]);
    expect(result.ok && result.plan.candidates[0]).toEqual({
      node: "a",
      coldLoad: false,
      reason: "least_busy",
      score: 1.5,
      busy: 3,
      queueFull: true,
      evict: [],
    });
  });

  it("treats reloading as servable", () => {
    const node: FleetNode = {
      name: "a",
      healthy: true,
      devices: [],
      models: [{ id: MODEL, status: "reloading" }],
    };
    expect(order(route([node]))).toEqual(["a"]);
  });
});

describe("planRoute: aliases", () => {
  const aliases = { "helexa/small": MODEL };

  it("resolves an alias and keeps what was requested", () => {
    const result = route([replica("a", MODEL, undefined)], "helexa/small", [], aliases);
    expect(result.ok && result.plan.model).toBe(MODEL);
    expect(result.ok && result.plan.requested).toBe("helexa/small");
  });

  it("passes an unmapped id through unchanged", () => {
    const result = route([replica("a", "other", undefined)], "other", [], aliases);
    expect(result.ok && result.plan.model).toBe("other");
  });

  it("does one lookup, no chaining, and never treats inherited keys as aliases", () => {
    const chained = route([replica("a", "b", undefined)], "x", [], { x: "y", y: "b" });
    expect(chained.ok).toBe(false);
    expect(!chained.ok && chained.refusal).toMatchObject({
      kind: "model_not_found",
      model: "y",
      requested: "x",
    });
    const proto = route([replica("a", "constructor", undefined)], "constructor", [], {});
    expect(proto.ok && proto.plan.model).toBe("constructor");
  });
});

describe("planRoute: refusals", () => {
  it("no healthy node at all is 503 with Retry-After 5, even for an unknown model", () => {
    const result = route([replica("a", MODEL, undefined, { healthy: false })], "nope");
    expect(result).toEqual({
      ok: false,
      refusal: { kind: "no_healthy_nodes", model: "nope", requested: "nope", retryAfterSecs: 5 },
    });
    expect(route([]).ok).toBe(false);
  });

  it("a recovering model holds the route with Retry-After 2", () => {
    const recovering: FleetNode = {
      name: "b",
      healthy: true,
      devices: [],
      models: [{ id: MODEL, status: "recovering" }],
    };
    const unloaded: FleetNode = {
      name: "a",
      healthy: true,
      devices: [],
      models: [{ id: MODEL, status: "unloaded" }],
    };
    const result = route([unloaded, recovering], MODEL, [profile({ id: MODEL })]);
    expect(result).toEqual({
      ok: false,
      refusal: { kind: "model_recovering", model: MODEL, requested: MODEL, node: "b", retryAfterSecs: 2 },
    });
  });

  it("a loaded replica elsewhere wins over a recovering one", () => {
    const recovering: FleetNode = {
      name: "a",
      healthy: true,
      devices: [],
      models: [{ id: MODEL, status: "recovering" }],
    };
    expect(order(route([recovering, replica("b", MODEL, undefined)]))).toEqual(["b"]);
  });

  it("a stalled model, its only replica, holds the route with Retry-After 2 like a recovering one", () => {
    const stalled: FleetNode = {
      name: "b",
      healthy: true,
      devices: [],
      models: [{ id: MODEL, status: "stalled" }],
    };
    const idle: FleetNode = { name: "a", healthy: true, devices: [], models: [] };
    const result = route([idle, stalled], MODEL, [profile({ id: MODEL })]);
    expect(result).toEqual({
      ok: false,
      refusal: { kind: "model_recovering", model: MODEL, requested: MODEL, node: "b", retryAfterSecs: 2 },
    });
    if (result.ok) throw new Error("expected a refusal");
    expect(routeRefusalToError(result.refusal)).toMatchObject({
      statusCode: 503,
      retryAfterSecs: 2,
    });
  });

  it("a loaded replica elsewhere wins over a stalled one, which is never a candidate", () => {
    const stalled: FleetNode = {
      name: "a",
      healthy: true,
      devices: [],
      models: [{ id: MODEL, status: "stalled" }],
    };
    expect(order(route([stalled, replica("b", MODEL, undefined), replica("c", MODEL, undefined)]))).toEqual([
      "b",
      "c",
    ]);
  });

  it("recovering on an unhealthy node does not hold the route", () => {
    const recovering: FleetNode = {
      name: "a",
      healthy: false,
      devices: [],
      models: [{ id: MODEL, status: "recovering" }],
    };
    const unloaded: FleetNode = {
      name: "b",
      healthy: true,
      devices: [],
      models: [{ id: MODEL, status: "unloaded" }],
    };
    expect(order(route([recovering, unloaded]))).toEqual(["b"]);
  });

  it("a model nowhere and not in the catalogue is model_not_found", () => {
    expect(route([replica("a", "other", undefined)], MODEL, [])).toEqual({
      ok: false,
      refusal: { kind: "model_not_found", model: MODEL, requested: MODEL },
    });
  });

  it("a poisoned model is not servable", () => {
    const poisoned: FleetNode = {
      name: "a",
      healthy: true,
      devices: [],
      models: [{ id: MODEL, status: "poisoned" }],
    };
    expect(route([poisoned], MODEL, []).ok).toBe(false);
  });
});

describe("planRoute: models not loaded yet on a node", () => {
  it("serves an unloaded model where it is, most free VRAM first", () => {
    const models = [{ id: MODEL, status: "unloaded" as const }];
    const result = route([
      gpuNode("a", [8000], { models }),
      gpuNode("b", [24000], { models }),
      replica("c", "x", undefined),
    ]);
    expect(order(result)).toEqual(["b", "a"]);
    expect(result.ok && result.plan.candidates[0]).toMatchObject({
      coldLoad: true,
      reason: "unloaded_on_node",
      loadSpec: { model_id: MODEL },
      freeVramMb: 24000,
      evict: [],
    });
  });

  it("waits for a load in progress before loading anywhere else", () => {
    const loading = gpuNode("b", [8000], { models: [{ id: MODEL, status: "loading" }] });
    const unloaded = gpuNode("a", [8000], { models: [{ id: MODEL, status: "unloaded" }] });
    const result = route([unloaded, loading], MODEL, [profile({ id: MODEL })]);
    expect(
      result.ok && result.plan.candidates.map((candidate) => [candidate.node, candidate.reason]),
    ).toEqual([
      ["b", "loading_on_node"],
      ["a", "unloaded_on_node"],
    ]);
  });
});

describe("planRoute: tieBreakSalt (each gateway's own order among equal loads)", () => {
  const idle = Array.from({ length: 20 }, (_, index) =>
    replica(`node-${String(index).padStart(2, "0")}`, MODEL, { in_flight: 0, queue_depth: 0 }),
  );
  const firstWith = (salt: string, nodes: FleetNode[] = idle) => {
    const result = planRoute({ nodes }, MODEL, [profile({ id: "unused" })], {}, { tieBreakSalt: salt });
    return order(result);
  };

  it("the same salt gives the same order; different gateways' salts pick different first replicas", () => {
    expect(firstWith("gateway-1")).toEqual(firstWith("gateway-1"));
    const firsts = new Set(
      ["g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8"].map((salt) => firstWith(salt)[0]),
    );
    expect(firsts.size).toBeGreaterThan(1);
    expect([...firstWith("gateway-1")].sort()).toEqual(idle.map((node) => node.name));
  });

  it("load still comes first: a busier replica is never ahead of an idler one", () => {
    const nodes = [...idle.slice(0, 19), replica("node-19", MODEL, { in_flight: 0, queue_depth: 0 })].map(
      (node, index) => (index < 10 ? replica(node.name, MODEL, { in_flight: 1, queue_depth: 0 }) : node),
    );
    for (const salt of ["a", "b", "c"]) {
      const ranked = firstWith(salt, nodes);
      expect(ranked.slice(0, 10).every((name) => Number(name.slice(5)) >= 10)).toBe(true);
    }
  });
});
