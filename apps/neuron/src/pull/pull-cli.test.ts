import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ModelRepoServer, serveModelRepo } from "../test-support/serve-model-repo.js";

// The built CLI end to end: `neuron pull` with HF_ENDPOINT from the environment, progress as plain lines
// when stderr is not a terminal, then `neuron models` listing the file.
const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "cli.js");
const content = randomBytes(200_000);
let server: ModelRepoServer;
let dir: string;

beforeAll(async () => {
  server = await serveModelRepo({ "acme/cli-GGUF": [{ name: "cli-model-Q5_K_M.gguf", content }] });
  dir = await mkdtemp(join(tmpdir(), "neuron-pull-cli-"));
  await writeFile(
    join(dir, "neuron.toml"),
    'port = 1\nallowed_download_hosts = ["127.0.0.1"]\n\n[[models]]\nid = "cli"\npath = "models/cli-model-Q5_K_M.gguf"\n',
  );
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function run(args: string[]) {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: dir,
    env: { ...process.env, HF_ENDPOINT: server.url },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
}

describe("neuron pull and neuron models, as processes", () => {
  it("pulls through HF_ENDPOINT, then lists the file with the [[models]] id using it", async () => {
    const pulled = await run(["pull", "hf:acme/cli-GGUF:Q5_K_M"]);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(await readFile(join(dir, "models", "cli-model-Q5_K_M.gguf"))).toEqual(content);
    expect(pulled.stderr).not.toContain("\r");
    expect(pulled.stderr).toMatch(/^100% {2}195\.3 KiB \/ 195\.3 KiB( {2}[\d.]+ [KMG]?i?B\/s)?$/m);
    expect(pulled.stdout).toContain('path = "models/cli-model-Q5_K_M.gguf"');
    const listed = await run(["models"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/models\/cli-model-Q5_K_M\.gguf\s+195\.3 KiB\s+cli\s+-/);
    expect(listed.stdout).toContain("no neuron answering at http://127.0.0.1:1/models");
  });
});
