import { describe, expect, it } from "vitest";
import { gpuNode, profile } from "../test-support/fleet-fixtures.js";
import { loadSpecSchema } from "../wire/load-spec.js";
import { buildLoadSpec, qualifiedModelId } from "./build-load-spec.js";
import { freeVramMb, selectLoadDevices } from "./select-load-devices.js";

describe("qualifiedModelId", () => {
  it("qualified_id_passes_through_when_source_absent", () => {
    expect(qualifiedModelId({ id: "Qwen/Qwen3.6-27B" })).toBe("Qwen/Qwen3.6-27B");
  });
  it("qualified_id_prefixes_when_source_set", () => {
    expect(qualifiedModelId({ id: "Helexa/Qwen3.6-27B-Uncensored", source: "helexa" })).toBe(
      "helexa:Helexa/Qwen3.6-27B-Uncensored",
    );
  });
  it("qualified_id_passes_through_when_source_is_empty_string", () => {
    expect(qualifiedModelId({ id: "a/b", source: "" })).toBe("a/b");
  });
});

describe("buildLoadSpec", () => {
  it("forwards everything the neuron needs, with nulls for what is unset", () => {
    const model = profile({
      id: "unsloth/Qwen3-0.6B-GGUF",
      quant: "Q4_K_M",
      uri: "hf:unsloth/Qwen3-0.6B-GGUF:Q4_K_M",
    });
    const spec = buildLoadSpec(model, gpuNode("a", [8000]));
    expect(spec).toEqual({
      model_id: "unsloth/Qwen3-0.6B-GGUF",
      harness: "llama.cpp",
      uri: "hf:unsloth/Qwen3-0.6B-GGUF:Q4_K_M",
      path: null,
      quant: "Q4_K_M",
      tensor_parallel: null,
      devices: [0],
      context_size: null,
      sequences: null,
    });
    expect(loadSpecSchema.safeParse(spec).success).toBe(true);
  });

  it("sets tensor_parallel to min_devices above 1 and forwards context_size and sequences", () => {
    const model = profile({
      id: "m",
      path: "/models/m.gguf",
      min_devices: 2,
      context_size: 4096,
      sequences: 4,
    });
    expect(buildLoadSpec(model, gpuNode("a", [8000, 8000, 8000]))).toMatchObject({
      path: "/models/m.gguf",
      tensor_parallel: 2,
      devices: [0, 1],
      context_size: 4096,
      sequences: 4,
    });
  });
});

describe("selectLoadDevices", () => {
  it("prefers the GPUs with the most free VRAM when every reading is known", () => {
    const model = profile({ id: "m" });
    expect(selectLoadDevices(model, gpuNode("a", [24000, 24000], { free: [1000, 20000] }))).toEqual([1]);
  });

  it("takes the first GPUs meeting the floor without readings", () => {
    const model = profile({ id: "m", min_device_vram_mb: 16000 });
    const node = { ...gpuNode("a", [8000, 24000, 24000]), device_health: [] };
    expect(selectLoadDevices(model, node)).toEqual([1]);
  });

  it("falls back to 0..min_devices when too few GPUs qualify, and to null without GPUs", () => {
    expect(
      selectLoadDevices(
        profile({ id: "m", min_devices: 2, min_device_vram_mb: 99999 }),
        gpuNode("a", [8000, 8000]),
      ),
    ).toEqual([0, 1]);
    expect(selectLoadDevices(profile({ id: "m" }), { name: "cpu", healthy: true, devices: [] })).toBeNull();
    expect(selectLoadDevices(profile({ id: "m", min_devices: 0 }), gpuNode("a", [8000]))).toBeNull();
  });
});

describe("freeVramMb", () => {
  const node = gpuNode("a", [24000, 24000], { free: [1000, 20000] });
  it("sums the chosen GPUs, or all of them", () => {
    expect(freeVramMb(node, [1])).toBe(20000);
    expect(freeVramMb(node, null)).toBe(21000);
    expect(freeVramMb({ name: "cpu", healthy: true, devices: [] }, null)).toBe(0);
  });
  it("is unknown when a reading is missing", () => {
    expect(freeVramMb({ ...node, device_health: [{ index: 0, vram_free_mb: 5 }] }, [0, 1])).toBeUndefined();
  });
});
