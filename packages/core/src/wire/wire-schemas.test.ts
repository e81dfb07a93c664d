import { describe, expect, it } from "vitest";
import { discoverySchema } from "./discovery.js";
import { healthSchema } from "./health.js";
import { loadSpecSchema, unloadSpecSchema } from "./load-spec.js";
import { modelInfoSchema, modelListSchema } from "./models.js";
import { buildInfoSchema } from "./version.js";

describe("models", () => {
  it("parses every known status", () => {
    for (const status of ["loaded", "loading", "unloaded", "reloading", "recovering", "poisoned"]) {
      expect(modelInfoSchema.parse({ id: "m", status }).status).toBe(status);
    }
  });

  it("refuses an unknown status instead of calling it loaded", () => {
    const result = modelListSchema.safeParse([{ id: "m", status: "warming" }]);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([0, "status"]);
  });

  it("fills defaults and keeps limits", () => {
    const model = modelInfoSchema.parse({
      id: "m",
      status: "loaded",
      limit: { context: 49152, input: 40960, output: 8192 },
    });
    expect(model).toMatchObject({
      harness: "llama.cpp",
      devices: [],
      capabilities: [],
      tool_call: false,
      reasoning: false,
    });
    expect(model.limit).toEqual({ context: 49152, input: 40960, output: 8192 });
  });
});

describe("health", () => {
  it("health_response_without_models_field_still_deserializes", () => {
    const health = healthSchema.parse({ uptime_secs: 42, devices: [] });
    expect(health.models).toEqual([]);
    expect(health.activation).toEqual({
      state: "ready",
      pending: [],
      in_progress: null,
      completed: [],
      failed: [],
    });
  });

  it("health_response_round_trips_model_load", () => {
    const wire = {
      uptime_secs: 1,
      devices: [{ index: 0, vram_used_mb: 1, vram_free_mb: 2, utilization_pct: 0, temp_c: 40 }],
      activation: { state: "ready", pending: [], in_progress: null, completed: [], failed: [] },
      models: [
        {
          id: "Qwen/Qwen3.6-27B",
          in_flight: 1,
          queue_depth: 3,
          max_in_flight: 2,
          max_queue_depth: 8,
          chars_per_token: 3.6,
        },
      ],
    };
    expect(healthSchema.parse(JSON.parse(JSON.stringify(wire)))).toEqual(wire);
  });

  it("requires state when activation is present", () => {
    expect(healthSchema.safeParse({ uptime_secs: 1, activation: { pending: [] } }).success).toBe(false);
  });
});

describe("discovery, version and lifecycle bodies", () => {
  it("accepts a CPU host with no GPUs", () => {
    const discovery = discoverySchema.parse({
      hostname: "h",
      os: "linux",
      kernel: "6",
      devices: [],
      harnesses: ["llama.cpp"],
    });
    expect(discovery.max_prompt_tokens).toBe(0);
  });

  it("round_trips_full and deserializes_minimal_payload (git_sha defaults to unknown)", () => {
    expect(buildInfoSchema.parse({ package_version: "0.1.0" })).toMatchObject({
      git_sha: "unknown",
      git_dirty: false,
      features: [],
    });
    const full = {
      package_version: "1",
      git_sha: "abc",
      git_sha_long: "abcdef",
      git_dirty: true,
      build_timestamp: "t",
      profile: "release",
      target: "x",
      features: ["cuda"],
    };
    expect(buildInfoSchema.parse(full)).toMatchObject(full);
  });

  it("accepts a load spec with null options, and defaults unload force to false", () => {
    const spec = {
      model_id: "helexa:Helexa/x",
      harness: "candle",
      quant: null,
      tensor_parallel: null,
      devices: [0, 1],
    };
    expect(loadSpecSchema.parse(spec)).toEqual(spec);
    expect(unloadSpecSchema.parse({ model_id: "m" })).toEqual({ model_id: "m", force: false });
    expect(loadSpecSchema.safeParse({ model_id: "" }).success).toBe(false);
  });
});
