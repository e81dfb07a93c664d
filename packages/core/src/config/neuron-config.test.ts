import { describe, expect, it } from "vitest";
import { neuronConfigSchema } from "./neuron-config.js";
import { parseConfig } from "./parse-config.js";

/** The minimal `neuron.toml` of the neuron issue, as parsed TOML. */
const MINIMAL = {
  port: 13131,
  threads: 1,
  gpu: "auto",
  admission: { max_queue_depth: 2, max_wait_secs: 30 },
  models: [{ id: "tiny", path: "tiny.gguf", context_size: 2048, sequences: 2, preload: true }],
};

describe("neuronConfigSchema", () => {
  it("loads the minimal config as written", () => {
    const result = parseConfig(neuronConfigSchema, MINIMAL, "neuron.toml");
    if (!result.ok) throw new Error(result.error);
    expect(result.config.models[0]).toMatchObject({
      id: "tiny",
      sequences: 2,
      preload: true,
      gpu_layers: "auto",
    });
    expect(result.config.admission).toEqual({
      max_queue_depth: 2,
      max_wait_secs: 30,
      stall_timeout_secs: 30,
    });
  });

  it("fills defaults for an empty file", () => {
    const config = neuronConfigSchema.parse({});
    expect(config).toMatchObject({
      port: 13131,
      host: "127.0.0.1",
      gpu: "auto",
      models_dir: "models",
      admission: { max_queue_depth: 8, max_wait_secs: 30 },
      models: [],
    });
    expect(config.auth_token).toBeUndefined();
  });

  it.each<[string, unknown, string]>([
    [
      "a model with neither path nor uri",
      { models: [{ id: "m" }] },
      "neuron.toml: models[0].path: expected one of `path` or `uri`",
    ],
    [
      "sequences as a string",
      { models: [{ id: "m", path: "m.gguf", sequences: "2" }] },
      "neuron.toml: models[0].sequences: ",
    ],
    ["a port out of range", { port: 70000 }, "neuron.toml: port: "],
    ["an unknown gpu", { gpu: "tpu" }, "neuron.toml: gpu: "],
    [
      "gpu_layers that is neither auto, max nor a count",
      { models: [{ id: "m", path: "p", gpu_layers: "most" }] },
      "neuron.toml: models[0].gpu_layers: ",
    ],
  ])("names the file and field for %s", (_name, data, prefix) => {
    const result = parseConfig(neuronConfigSchema, data, "neuron.toml");
    if (result.ok) throw new Error("expected a failure");
    expect(result.issues.some((issue) => issue.startsWith(prefix))).toBe(true);
  });
});

describe("neuronConfigSchema refuses unknown keys at every level", () => {
  it.each([
    [{ thread: 2 }, "thread", "threads"],
    [{ admission: { max_queue: 2 } }, "admission.max_queue", "max_queue_depth"],
    [{ models: [{ id: "a", path: "a", sequence: 2 }] }, "models[0].sequence", "sequences"],
    [
      { models: [{ id: "a", path: "a", admission: { max_wait_sec: 2 } }] },
      "models[0].admission.max_wait_sec",
      "max_wait_secs",
    ],
  ])("%o", (data, key, suggestion) => {
    const result = parseConfig(neuronConfigSchema, data, "neuron.toml");
    if (result.ok) throw new Error("expected a failure");
    expect(result.issues).toEqual([`unknown key \`${key}\` in neuron.toml; did you mean \`${suggestion}\`?`]);
  });

  it("listens on loopback by default and downloads only from Hugging Face's hosts", () => {
    const config = neuronConfigSchema.parse({});
    expect(config.host).toBe("127.0.0.1");
    expect(config.allowed_download_hosts).toEqual(["huggingface.co", "hf.co"]);
  });
});
