import { loadSpecSchema, type ModelInfo, modelNotFound, unloadSpecSchema } from "@helexa/core";
import { Hono } from "hono";
import type { NeuronAppDeps } from "../app-deps.js";
import { readJsonBody } from "../http/read-json-body.js";
import { maxPromptTokens } from "../ipc/max-prompt-tokens.js";
import type { ModelEntry } from "../supervisor/model-entry.js";
import { WorkerBackend } from "../supervisor/worker-backend.js";

/** Model lifecycle: list, load (single-flight, waits until serving), unload, endpoint lookup. */
export function modelsRoutes(deps: NeuronAppDeps): Hono {
  const limit = deps.config.max_body_bytes;
  return new Hono()
    .get("/models", (c) => c.json(deps.registry.entries().map(describeModel)))
    .post("/models/load", async (c) => {
      const spec = await readJsonBody(c, loadSpecSchema, limit);
      await deps.registry.load(spec);
      return c.json({ status: "loaded" });
    })
    .post("/models/unload", async (c) => {
      const spec = await readJsonBody(c, unloadSpecSchema, limit);
      await deps.registry.unload(spec.model_id, spec.force);
      return c.json({ status: "unloaded" });
    })
    .get("/models/:id{.+}/endpoint", (c) => {
      const id = c.req.param("id");
      const entry = deps.registry.get(id);
      if (entry === undefined || entry.status !== "loaded")
        throw modelNotFound(id, `model '${id}' not loaded`);
      return c.json({ url: deps.publicUrl() });
    });
}

/** One `/models` entry: status, limits from the real context, capabilities. */
export function describeModel(entry: ModelEntry): ModelInfo {
  const info = entry.info;
  const base: ModelInfo = {
    id: entry.id,
    harness: "llama.cpp",
    status: entry.status,
    devices: entry.plan.spec.devices ?? [],
    vram_used_mb: info?.vramUsedBytes === undefined ? null : Math.round(info.vramUsedBytes / 1024 / 1024),
    capabilities: ["text"],
    tool_call: info?.toolCall ?? false,
    reasoning: info?.reasoning ?? false,
  };
  if (info === undefined) return base;
  const input = maxPromptTokens(info.contextSize);
  const cap = entry.plan.spec.maxOutputTokens;
  const pid = entry.backend instanceof WorkerBackend ? entry.backend.pid : undefined;
  return {
    ...base,
    limit: { context: info.contextSize, input, output: cap === undefined ? input : Math.min(cap, input) },
    sequences: info.sequences,
    chat_wrapper: info.chatWrapper,
    ...(pid === undefined ? {} : { worker_pid: pid }),
  };
}
