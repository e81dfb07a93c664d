import type { ModelInfo } from "@helexa/core";
import { describe, expect, it } from "vitest";
import { FleetState } from "../fleet/fleet-state.js";
import { modelInfo } from "../test-support/fake-neuron.js";
import { findLoadElsewhere, reportsLoad } from "./find-load-elsewhere.js";

function fleetWith(nodes: Record<string, { models: ModelInfo[]; healthy?: boolean }>): FleetState {
  const fleet = new FleetState(
    Object.keys(nodes).map((name) => ({ name, endpoint: `http://${name}.invalid` })),
    { models: [], aliases: {} },
  );
  for (const [name, { models, healthy }] of Object.entries(nodes)) {
    const node = fleet.node(name);
    if (node === undefined) throw new Error(name);
    fleet.recordPoll(
      node,
      {
        discovery: null,
        models: healthy === false ? { ok: false, message: "down" } : { ok: true, value: models },
        health: null,
      },
      { unhealthyAfterFailures: 1, now: 0 },
    );
  }
  return fleet;
}

describe("findLoadElsewhere", () => {
  it("prefers a node serving the model, then one loading it, each by name; skips the excluded and unhealthy", () => {
    const fleet = fleetWith({
      a: { models: [modelInfo("m", { status: "loading" })] },
      b: { models: [modelInfo("m", { status: "loading" })] },
      c: { models: [modelInfo("m", { status: "loaded" })], healthy: false },
      d: { models: [modelInfo("m", { status: "unloaded" })] },
      e: { models: [modelInfo("src:m", { status: "reloading" })] },
    });
    expect(findLoadElsewhere(fleet, ["m"], "z")?.node.name).toBe("a");
    expect(findLoadElsewhere(fleet, ["m"], "a")?.node.name).toBe("b");
    expect(findLoadElsewhere(fleet, ["m", "src:m"], "a")).toMatchObject({
      modelId: "src:m",
      status: "loaded",
    });
    expect(findLoadElsewhere(fleet, ["other"], "z")).toBeUndefined();
  });

  it("reportsLoad: loading or serving counts, unloaded does not", () => {
    const fleet = fleetWith({
      a: { models: [modelInfo("m", { status: "loading" })] },
      d: { models: [modelInfo("m", { status: "unloaded" })] },
    });
    expect(reportsLoad(fleet.node("a")!, ["m"])).toBe(true);
    expect(reportsLoad(fleet.node("d")!, ["m"])).toBe(false);
  });
});
