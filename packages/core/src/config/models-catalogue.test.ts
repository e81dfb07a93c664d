import { describe, expect, it } from "vitest";
import { modelsCatalogueSchema } from "./models-catalogue.js";
import { parseConfig } from "./parse-config.js";

/** The example `models.toml` of the configuration reference (dotted keys become tables), plus a `source` profile. */
const EXAMPLE = {
  models: [
    {
      id: "Qwen/Qwen3.6-27B",
      harness: "candle",
      vram_mb: 54000,
      min_devices: 2,
      min_device_vram_mb: 24000,
      pinned_on: ["your-multi-gpu-neuron"],
      limit: { context: 32768, input: 28672, output: 4096 },
      cost: { input: 0.0, output: 0.0 },
      capabilities: ["text", "reasoning"],
    },
    {
      id: "unsloth/Qwen3-0.6B-GGUF",
      harness: "candle",
      quant: "Q4_K_M",
      vram_mb: 500,
      min_devices: 1,
      min_device_vram_mb: 4000,
    },
    { id: "Helexa/Qwen3.6-27B-Uncensored", harness: "candle", source: "helexa" },
  ],
  aliases: { "helexa/small": "Qwen/Qwen3-1.7B", "helexa/large": "Qwen/Qwen3.6-27B" },
};

describe("modelsCatalogueSchema", () => {
  it("loads the reference example with its aliases", () => {
    const result = parseConfig(modelsCatalogueSchema, EXAMPLE, "models.toml");
    if (!result.ok) throw new Error(result.error);
    const [big, small, sourced] = result.config.models;
    expect(big).toMatchObject({
      min_devices: 2,
      pinned_on: ["your-multi-gpu-neuron"],
      limit: { context: 32768 },
    });
    expect(small).toMatchObject({ quant: "Q4_K_M", pinned_on: [], capabilities: [], priority: 0 });
    expect(small?.source).toBeUndefined();
    expect(sourced?.source).toBe("helexa");
    expect(result.config.aliases).toEqual(EXAMPLE.aliases);
  });

  it("defaults an empty file to no models and no aliases", () => {
    expect(modelsCatalogueSchema.parse({})).toEqual({ models: [], aliases: {} });
  });

  it("defaults harness to llama.cpp and min_devices to 1", () => {
    const [model] = modelsCatalogueSchema.parse({ models: [{ id: "m" }] }).models;
    expect(model).toMatchObject({ harness: "llama.cpp", min_devices: 1 });
  });

  it("names the profile and field of a malformed limit", () => {
    const result = parseConfig(
      modelsCatalogueSchema,
      { models: [{ id: "m", limit: { context: "big" } }] },
      "models.toml",
    );
    if (result.ok) throw new Error("expected a failure");
    expect(result.issues).toEqual(
      expect.arrayContaining([expect.stringMatching(/^models\.toml: models\[0\]\.limit\.context: /)]),
    );
  });

  it("refuses an alias that does not point at a string", () => {
    const result = parseConfig(modelsCatalogueSchema, { aliases: { a: 1 } }, "models.toml");
    expect(!result.ok && result.issues[0]).toMatch(/^models\.toml: aliases\.a: /);
  });
});
