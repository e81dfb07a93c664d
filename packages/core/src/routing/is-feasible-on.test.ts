import { describe, expect, it } from "vitest";
import type { FleetNode } from "../fleet/fleet-snapshot.js";
import { gpuNode, profile } from "../test-support/fleet-fixtures.js";
import { isFeasibleOn } from "./is-feasible-on.js";

const twoGpuModel = profile({ id: "big", min_devices: 2, min_device_vram_mb: 24000 });

describe("isFeasibleOn", () => {
  it("feasible_when_two_devices_meet_vram_floor", () => {
    expect(isFeasibleOn(twoGpuModel, gpuNode("beast", [32000, 32000]))).toBe(true);
  });

  it("infeasible_when_only_one_device", () => {
    expect(isFeasibleOn(twoGpuModel, gpuNode("benjy", [32000]))).toBe(false);
  });

  it("infeasible_when_one_device_underspec", () => {
    expect(isFeasibleOn(twoGpuModel, gpuNode("beast", [32000, 16000]))).toBe(false);
  });

  it("pinned_on_excludes_other_neurons", () => {
    const pinned = profile({ id: "p", pinned_on: ["beast"] });
    expect(isFeasibleOn(pinned, gpuNode("beast", [8000]))).toBe(true);
    expect(isFeasibleOn(pinned, gpuNode("benjy", [48000]))).toBe(false);
  });

  it("no_vram_floor_just_needs_min_devices", () => {
    const model = profile({ id: "m", min_devices: 2 });
    expect(isFeasibleOn(model, gpuNode("a", [1000, 1000]))).toBe(true);
    expect(isFeasibleOn(model, gpuNode("a", [1000]))).toBe(false);
  });
});

describe("isFeasibleOn: CPU hosts and unknown topology", () => {
  const cpu: FleetNode = { name: "cpu", healthy: true, devices: [] };

  it.each([
    ["no hints", {}, true],
    ["vram_mb", { vram_mb: 500 }, false],
    ["min_device_vram_mb", { min_device_vram_mb: 4000 }, false],
    ["min_devices 2", { min_devices: 2 }, false],
    ["min_devices 0 with vram_mb", { min_devices: 0, vram_mb: 500 }, true],
  ])("a CPU host with %s: %s", (_name, fields, expected) => {
    expect(isFeasibleOn(profile({ id: "m", ...fields }), cpu)).toBe(expected);
  });

  it("is never feasible before discovery answers", () => {
    expect(isFeasibleOn(profile({ id: "m", min_devices: 0 }), { name: "a", healthy: true })).toBe(false);
    expect(isFeasibleOn(profile({ id: "m" }), { name: "a", healthy: true, devices: null })).toBe(false);
  });
});
