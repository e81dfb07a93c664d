import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { neuronConfigSchema } from "@helexa/core";
import { documentedTomlKeys, schemaKeyPaths } from "@helexa/test-support";
import { beforeAll, describe, expect, it } from "vitest";
import { tinyModelFile } from "../test-support/tiny-model-file.js";
import { parseNeuronConfigText } from "./parse-neuron-config-text.js";
import { resolveNeuronConfig } from "./resolve-neuron-config.js";

// Every neuron config the repo ships loads as written (the real reader and resolver, no environment);
// those whose model files exist on a CPU host start as real processes and load their preloads; the
// example that says it documents every key does.
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..", "..");
const cli = join(here, "..", "..", "dist", "cli.js");
const reference = join(root, "apps", "neuron", "neuron.example.toml");

function shippedNeuronConfigs(): string[] {
  const files = [reference];
  for (const folder of ["examples", "deploy"]) {
    const base = join(root, folder);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base, { recursive: true, encoding: "utf8" }).sort())
      if (/(^|\/)neuron[^/]*\.toml$/.test(entry)) files.push(join(base, entry));
  }
  return files;
}

function load(file: string) {
  const parsed = parseNeuronConfigText(readFileSync(file, "utf8"), basename(file), {});
  if (!parsed.ok) throw new Error(parsed.error);
  return resolveNeuronConfig(parsed.config, dirname(file), 2);
}

beforeAll(async () => {
  await tinyModelFile();
});

describe("shipped neuron configs", () => {
  const files = shippedNeuronConfigs();

  it("include the reference, the examples and the deploy config", () => {
    const names = files.map((file) => relative(root, file));
    expect(names).toContain("apps/neuron/neuron.example.toml");
    expect(names).toContain("examples/tiny/neuron.toml");
    expect(names).toContain("examples/gpu-host/neuron.toml");
    expect(names.filter((name) => name.startsWith("deploy/"))).not.toEqual([]);
  });

  it.each(files.map((file) => [relative(root, file), file]))("%s loads as written", (_name, file) => {
    const config = load(file);
    expect(config.models.length).toBeGreaterThan(0);
  });

  it("neuron.example.toml documents every key of the schema, and no key the schema lacks", () => {
    const documented = documentedTomlKeys(readFileSync(reference, "utf8"));
    const keys = schemaKeyPaths(neuronConfigSchema);
    expect(keys.filter((key) => !documented.has(key))).toEqual([]);
    expect([...documented].filter((key) => !keys.includes(key))).toEqual([]);
  });

  // A CPU host can start those whose model files exist and that do not insist on a GPU.
  const startable = files.filter((file) => {
    const config = load(file);
    return (
      config.gpu !== "cuda" &&
      config.gpu !== "vulkan" &&
      config.models.every((model) => model.path && existsSync(model.path))
    );
  });

  it.each(startable.map((file) => [relative(root, file), file]))(
    "%s starts, loads its preloads and stops on SIGTERM",
    async (_name, file) => {
      const child = spawn(process.execPath, [cli, "serve", "--config", file, "--port", "0"], {
        env: { ...process.env, NEURON_THREADS: "1", NEURON_LOG_LEVEL: "info" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      const loaded = new Set<string>();
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).on("line", (line) => {
          if (line.includes('"event":"listening"')) resolve((JSON.parse(line) as { url: string }).url);
        });
        void exited.then((code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
      });
      const preloads = load(file)
        .models.filter((model) => model.preload)
        .map((model) => model.id);
      while (loaded.size < preloads.length) {
        const models = (await (await fetch(`${url}/models`)).json()) as Array<{ id: string; status: string }>;
        for (const model of models) if (model.status === "loaded") loaded.add(model.id);
        expect(models.filter((model) => model.status === "poisoned")).toEqual([]);
        if (loaded.size < preloads.length) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect([...loaded].sort()).toEqual([...preloads].sort());
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    },
    // A start and its preloads: past 120 s on a loaded 2-core host (seen under load). A bound against hangs.
    300_000,
  );
});
