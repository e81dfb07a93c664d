import { type FleetNode, healthSchema } from "@helexa/core";
import { describe, expect, it } from "vitest";
import { modelInfo } from "../test-support/fake-neuron.js";
import { FleetState } from "./fleet-state.js";
import type { NodePoll } from "./poll-node.js";

const catalogue = { models: [], aliases: {} };

function goodPoll(models = [modelInfo("a")]): NodePoll {
  return {
    discovery: null,
    models: { ok: true, value: models },
    health: healthSchema.parse({
      uptime_secs: 1,
      devices: [{ index: 0, vram_used_mb: 1, vram_free_mb: 7, utilization_pct: 0, temp_c: 40 }],
      models: models.map((model) => ({ id: model.id, in_flight: 0, queue_depth: 0 })),
    }),
  };
}

function setup() {
  const fleet = new FleetState([{ name: "n", endpoint: "http://127.0.0.1:1/" }], catalogue);
  const node = fleet.node("n");
  if (node === undefined) throw new Error("node missing");
  fleet.recordPoll(node, goodPoll(), { unhealthyAfterFailures: 2, now: 1 });
  return { fleet, node };
}

function snapshotOf(fleet: FleetState, name = "n"): FleetNode | undefined {
  return fleet.snapshot().nodes.find((node) => node.name === name);
}

describe("FleetState", () => {
  it("reuses a node's snapshot while nothing changed", () => {
    const { fleet } = setup();
    expect(snapshotOf(fleet)).toBe(snapshotOf(fleet));
  });

  // Each mutator, and what the rebuilt snapshot must then show.
  const mutations: Array<[string, (fleet: FleetState) => void, (node: FleetNode) => void]> = [
    [
      "recordPoll (a failed /models)",
      (fleet) => {
        const node = fleet.node("n");
        if (node === undefined) throw new Error("node missing");
        for (let poll = 0; poll < 2; poll++)
          fleet.recordPoll(
            node,
            { discovery: null, models: { ok: false, message: "ECONNREFUSED" }, health: null },
            { unhealthyAfterFailures: 2, now: 2 },
          );
      },
      (node) => expect(node.healthy).toBe(false),
    ],
    [
      "recordPoll (new models)",
      (fleet) => {
        const node = fleet.node("n");
        if (node === undefined) throw new Error("node missing");
        fleet.recordPoll(node, goodPoll([modelInfo("b")]), { unhealthyAfterFailures: 2, now: 2 });
      },
      (node) => expect(node.models?.map((model) => model.id)).toEqual(["b"]),
    ],
    [
      "markUnreachable",
      (fleet) => {
        const node = fleet.node("n");
        if (node !== undefined) fleet.markUnreachable(node, "ECONNREFUSED", 3);
      },
      (node) => expect(node.healthy).toBe(false),
    ],
    [
      "markLoaded",
      (fleet) => {
        const node = fleet.node("n");
        if (node !== undefined) fleet.markLoaded(node, "c");
      },
      (node) => expect(node.models?.find((model) => model.id === "c")?.status).toBe("loaded"),
    ],
    [
      "markEvicted",
      (fleet) => {
        const node = fleet.node("n");
        if (node !== undefined) fleet.markEvicted(node, "a");
      },
      (node) => expect(node.models?.find((model) => model.id === "a")?.status).toBe("unloaded"),
    ],
    [
      "startRequest",
      (fleet) => {
        const node = fleet.node("n");
        if (node !== undefined) fleet.startRequest(node, "a", 5);
      },
      (node) => {
        expect(node.load?.find((load) => load.id === "a")?.in_flight).toBe(1);
        expect(node.models?.find((model) => model.id === "a")?.last_accessed_ms).toBe(5);
      },
    ],
  ];

  for (const [name, mutate, check] of mutations) {
    it(`rebuilds the node's snapshot after ${name}`, () => {
      const { fleet } = setup();
      const before = snapshotOf(fleet);
      mutate(fleet);
      const after = snapshotOf(fleet);
      expect(after).not.toBe(before);
      if (after === undefined) throw new Error("node missing from the snapshot");
      check(after);
    });
  }

  it("rebuilds the node's snapshot after finishRequest", () => {
    const { fleet, node } = setup();
    const ticket = fleet.startRequest(node, "a", 5);
    const before = snapshotOf(fleet);
    fleet.finishRequest(ticket);
    const after = snapshotOf(fleet);
    expect(after).not.toBe(before);
    expect(after?.load?.find((load) => load.id === "a")?.in_flight).toBe(0);
    fleet.finishRequest(ticket);
    expect(snapshotOf(fleet)).toBe(after);
  });

  it("adds and removes nodes at run time", () => {
    const { fleet } = setup();
    const added = fleet.addNode({ name: "m", endpoint: "http://127.0.0.1:2//" });
    expect(added?.endpoint).toBe("http://127.0.0.1:2");
    expect(fleet.addNode({ name: "m", endpoint: "http://127.0.0.1:3" })).toBeNull();
    expect(fleet.nodes.map((node) => node.name)).toEqual(["n", "m"]);
    expect(fleet.snapshot().nodes.map((node) => node.name)).toEqual(["n", "m"]);

    const node = fleet.node("n");
    if (node === undefined) throw new Error("node missing");
    const ticket = fleet.startRequest(node, "a", 5);
    expect(fleet.removeNode("n")).toBe(true);
    expect(fleet.removeNode("n")).toBe(false);
    expect(fleet.node("n")).toBeUndefined();
    expect(fleet.snapshot().nodes.map((entry) => entry.name)).toEqual(["m"]);
    // A request that was on the removed node finishes without touching anything.
    fleet.finishRequest(ticket);
    fleet.markUnreachable(node, "ECONNREFUSED", 1);
    expect(node.healthy).toBe(true);
  });

  it("refuses duplicate names at construction", () => {
    expect(
      () =>
        new FleetState(
          [
            { name: "n", endpoint: "http://a" },
            { name: "n", endpoint: "http://b" },
          ],
          catalogue,
        ),
    ).toThrow("neuron names must be unique");
  });
});
