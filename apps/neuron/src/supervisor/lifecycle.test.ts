import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveWorkerEntry } from "../internal/resolve-worker-entry.js";
import type { RunningNeuron } from "../start-neuron.js";
import { postJson, waitFor } from "../test-support/post-json.js";
import { consumeSse, sseData } from "../test-support/read-sse.js";
import { serveFile } from "../test-support/serve-file.js";
import { startTestNeuron } from "../test-support/start-test-neuron.js";
import { testConfig } from "../test-support/test-config.js";
import { tinyModelFile } from "../test-support/tiny-model-file.js";
import { createForkWorkerFactory } from "./fork-worker-backend.js";
import type { BackendFactory } from "./model-backend.js";

// Model lifecycle with real worker processes: single-flight loads, download with progress, unload,
// and recovery after a worker is SIGKILLed mid-stream while another model keeps serving.
let neuron: RunningNeuron;
let modelsDir: string;
let files: Awaited<ReturnType<typeof serveFile>>;
const loadsStarted: string[] = [];

interface ModelInfo {
  id: string;
  status: string;
  worker_pid?: number;
}

async function models(): Promise<ModelInfo[]> {
  return (await (await fetch(`${neuron.url}/models`)).json()) as ModelInfo[];
}

function chat(model: string, body: Record<string, unknown> = {}) {
  return postJson(`${neuron.url}/v1/chat/completions`, {
    model,
    messages: [{ role: "user", content: "hello" }],
    temperature: 0,
    max_tokens: 8,
    ...body,
  });
}

beforeAll(async () => {
  const path = await tinyModelFile();
  modelsDir = await mkdtemp(join(tmpdir(), "neuron-models-"));
  files = await serveFile(path, 25);
  const forked = createForkWorkerFactory({
    entry: resolveWorkerEntry(),
    logger: (await import("pino")).pino({ level: "silent" }),
  });
  const factory: BackendFactory = (spec, onProgress) => {
    loadsStarted.push(spec.modelId);
    return forked(spec, onProgress);
  };
  neuron = await startTestNeuron(
    testConfig(
      [
        { id: "alpha", path, context_size: 4096, sequences: 1, preload: true },
        { id: "beta", path, context_size: 1024, sequences: 1, preload: true },
        { id: "gamma", path, context_size: 1024, sequences: 1 },
      ],
      { models_dir: modelsDir, allowed_download_hosts: ["127.0.0.1"] },
    ),
    { factory },
  );
});

afterAll(async () => {
  await neuron?.close();
  await files?.close();
  if (modelsDir) await rm(modelsDir, { recursive: true, force: true });
});

describe("lifecycle", () => {
  it("loads a model once for three concurrent load requests", async () => {
    const responses = await Promise.all(
      [1, 2, 3].map(() => postJson(`${neuron.url}/models/load`, { model_id: "gamma", harness: "llama.cpp" })),
    );
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(loadsStarted.filter((id) => id === "gamma")).toHaveLength(1);
    expect((await chat("gamma")).status).toBe(200);
  });

  it("unloads a model: its worker ends, it disappears, a second unload is 404", async () => {
    const pid = (await models()).find((model) => model.id === "gamma")?.worker_pid as number;
    expect(pid).toBeGreaterThan(0);
    const response = await postJson(`${neuron.url}/models/unload`, { model_id: "gamma" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "unloaded" });
    expect((await models()).map((model) => model.id)).not.toContain("gamma");
    expect(() => process.kill(pid, 0)).toThrow();
    expect((await chat("gamma")).status).toBe(404);
    expect((await postJson(`${neuron.url}/models/unload`, { model_id: "gamma" })).status).toBe(404);
  });

  it("downloads a model from a URL with progress on /health, then serves it", async () => {
    const progress: Array<{ phase: string; fraction: number }> = [];
    let loading = true;
    const load = postJson(`${neuron.url}/models/load`, {
      model_id: "remote",
      uri: files.url("tiny-remote.gguf"),
      context_size: 1024,
    }).finally(() => {
      loading = false;
    });
    while (loading) {
      const health = (await (await fetch(`${neuron.url}/health`)).json()) as {
        activation: { progress: { model_id: string; phase: string; fraction: number } | null };
      };
      if (health.activation.progress?.model_id === "remote") progress.push(health.activation.progress);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const response = await load;
    expect(response.status).toBe(200);
    expect(progress.some((entry) => entry.phase === "downloading")).toBe(true);
    expect(progress.every((entry) => entry.fraction >= 0 && entry.fraction <= 1)).toBe(true);
    expect(existsSync(join(modelsDir, "tiny-remote.gguf"))).toBe(true);
    expect((await chat("remote")).status).toBe(200);
  });

  it("a load that fails says why and registers nothing", async () => {
    const response = await postJson(`${neuron.url}/models/load`, {
      model_id: "ghost",
      path: join(modelsDir, "ghost.gguf"),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("model_load_failed");
    expect(body.error.message).toContain("ghost");
    expect((await models()).map((model) => model.id)).not.toContain("ghost");
  });

  it("loads by path only from models_dir or [[models]], and never echoes a file that is not a model", async () => {
    const outside = await postJson(`${neuron.url}/models/load`, { model_id: "passwd", path: "/etc/passwd" });
    expect(outside.status).toBe(400);
    expect(await outside.json()).toMatchObject({ error: { code: "path_not_allowed", param: "path" } });
    const traversal = await postJson(`${neuron.url}/models/load`, {
      model_id: "up",
      path: join(modelsDir, "..", "x.gguf"),
    });
    expect(traversal.status).toBe(400);
    await writeFile(join(modelsDir, "notes.gguf"), "SECRET-FIRST-LINE\nmore secrets\n");
    const notModel = await postJson(`${neuron.url}/models/load`, {
      model_id: "notes",
      path: join(modelsDir, "notes.gguf"),
    });
    expect(notModel.status).toBe(400);
    const body = (await notModel.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("model_load_failed");
    expect(body.error.message).toContain("not a GGUF model file");
    expect(body.error.message).not.toMatch(/SECRET/);
    expect((await models()).map((model) => model.id)).not.toContain("notes");
  });

  it("downloads only from allowed_download_hosts, redirects included", async () => {
    const denied = await postJson(`${neuron.url}/models/load`, {
      model_id: "elsewhere",
      uri: "https://downloads.example/m.gguf",
    });
    expect(denied.status).toBe(400);
    expect(await denied.json()).toMatchObject({ error: { code: "download_not_allowed", param: "uri" } });
    expect(loadsStarted).not.toContain("elsewhere");
    // 127.0.0.1 is allowed; it redirects to the same files as `localhost`, which is not.
    const filesPort = new URL(files.url("x")).port;
    const redirector = createServer((request, response) =>
      response.writeHead(302, { location: `http://localhost:${filesPort}${request.url}` }).end(),
    );
    await new Promise<void>((resolve) => redirector.listen(0, "127.0.0.1", resolve));
    try {
      const port = (redirector.address() as AddressInfo).port;
      const bounced = await postJson(`${neuron.url}/models/load`, {
        model_id: "bounced",
        uri: `http://127.0.0.1:${port}/tiny-bounced.gguf`,
      });
      expect(bounced.status).toBe(400);
      const body = (await bounced.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("model_load_failed");
      expect(body.error.message).toContain("allowed_download_hosts");
      expect(existsSync(join(modelsDir, "tiny-bounced.gguf"))).toBe(false);
    } finally {
      await new Promise((resolve) => redirector.close(resolve));
    }
  });

  it("a worker SIGKILLed mid-stream ends the stream with an error; the model recovers; others never notice", async () => {
    const before = (await models()).find((model) => model.id === "alpha") as ModelInfo;
    const stream = await chat("alpha", { max_tokens: 4000, stream: true });
    expect(stream.status).toBe(200);
    let killed = false;
    let betaStatus = 0;
    const events = await consumeSse(stream, async (event) => {
      if (killed || event.data === undefined || !event.data.includes('"content":"')) return;
      killed = true;
      process.kill(before.worker_pid as number, "SIGKILL");
      betaStatus = (await chat("beta")).status;
    });
    expect(killed).toBe(true);
    const data = sseData(events);
    expect(data.at(-1)).toBe("[DONE]");
    expect(data.at(-2)).toMatchObject({ error: { type: "api_error" } });
    expect(betaStatus).toBe(200);
    const recovering = (await models()).find((model) => model.id === "alpha");
    expect(["recovering", "loaded"]).toContain(recovering?.status);
    await waitFor(
      async () =>
        (await models()).find((model) => model.id === "alpha")?.status === "loaded" ? true : undefined,
      60_000,
      "alpha to reload",
    );
    const after = (await models()).find((model) => model.id === "alpha");
    expect(after?.worker_pid).not.toBe(before.worker_pid);
    expect((await chat("alpha")).status).toBe(200);
    expect((await chat("beta")).status).toBe(200);
  });
});
