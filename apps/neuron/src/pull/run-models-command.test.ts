import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningNeuron } from "../start-neuron.js";
import { startTestNeuron } from "../test-support/start-test-neuron.js";
import { testConfig } from "../test-support/test-config.js";
import { tinyModelFile } from "../test-support/tiny-model-file.js";
import { runModelsCommand } from "./run-models-command.js";

// `neuron models` on a folder with a served file, an unused file and a partial download, against a real
// neuron (tiny model) and then with the neuron gone.
let dir: string;
let neuron: RunningNeuron;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "neuron-models-"));
  await mkdir(join(dir, "models"));
  await copyFile(await tinyModelFile(), join(dir, "models", "tiny.gguf"));
  await writeFile(join(dir, "models", "spare.gguf"), Buffer.alloc(2048));
  await writeFile(join(dir, "models", "big.gguf.part"), Buffer.alloc(1024));
  await writeFile(join(dir, "models", "notes.txt"), "not a model");
  neuron = await startTestNeuron(
    testConfig([
      { id: "tiny", path: join(dir, "models", "tiny.gguf"), preload: true, context_size: 256 },
      { id: "tiny-cold", path: join(dir, "models", "tiny.gguf") },
    ]),
  );
  await writeFile(
    join(dir, "neuron.toml"),
    `port = ${neuron.port}\n\n[[models]]\nid = "tiny"\npath = "models/tiny.gguf"\n\n[[models]]\nid = "tiny-cold"\npath = "models/tiny.gguf"\n\n[[models]]\nid = "remote"\nuri = "hf:acme/demo-GGUF:Q4_K_M"\n`,
  );
}, 120_000);

afterAll(async () => {
  await neuron?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function models() {
  let stdout = "";
  const code = await runModelsCommand({
    cwd: dir,
    env: {},
    fetch: globalThis.fetch,
    stdout: (text) => {
      stdout += text;
    },
    stderr: () => undefined,
  });
  return { code, lines: stdout.split("\n").map((line) => line.split(/\s{2,}/)) };
}

describe("neuron models", () => {
  it("lists the files with sizes, the [[models]] using them and their status on the running neuron", async () => {
    const { code, lines } = await models();
    expect(code).toBe(0);
    expect(lines).toContainEqual(["models/tiny.gguf", expect.stringMatching(/KiB$/), "tiny", "loaded"]);
    expect(lines).toContainEqual([
      "models/tiny.gguf",
      expect.stringMatching(/KiB$/),
      "tiny-cold",
      "not loaded",
    ]);
    expect(lines).toContainEqual(["models/spare.gguf", "2.0 KiB", "-", "-"]);
    expect(lines).toContainEqual([
      "models/big.gguf.part",
      "1.0 KiB (partial: neuron pull resumes it)",
      "-",
      "-",
    ]);
    expect(lines).toContainEqual(["hf:acme/demo-GGUF:Q4_K_M", "-", "remote", "not loaded"]);
    expect(lines.flat().join(" ")).not.toContain("notes.txt");
    expect(lines.at(-2)?.[0]).toBe(`status from http://127.0.0.1:${neuron.port}/models`);
  });

  it("still lists the files when the neuron is not running, and says so", async () => {
    await neuron.close();
    const { code, lines } = await models();
    expect(code).toBe(0);
    expect(lines).toContainEqual(["models/tiny.gguf", expect.stringMatching(/KiB$/), "tiny", "-"]);
    expect(lines.at(-2)?.[0]).toBe(
      `no neuron answering at http://127.0.0.1:${neuron.port}/models: status not shown`,
    );
  });
});
