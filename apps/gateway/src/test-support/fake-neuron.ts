import type { AddressInfo } from "node:net";
import type { Discovery, Health, ModelInfo } from "@helexa/core";
import { serve } from "@hono/node-server";
import { Hono } from "hono";

/** A request the fake neuron received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** Answers an inference request; `hits` counts inference requests so far (this one included). */
export type InferenceHandler = (request: RecordedRequest, hits: number) => Response | Promise<Response>;

export interface FakeNeuronOptions {
  models?: ModelInfo[];
  health?: Partial<Health>;
  discovery?: Partial<Discovery>;
  /** Default: a chat completion echoing `model` with usage 10/5/15. */
  inference?: InferenceHandler;
  /** Answer `/models/load`; default 200 `{status:"loaded"}` and the model appears as loaded. */
  load?: (body: Record<string, unknown>) => Response | Promise<Response>;
}

/** A small neuron stand-in for fault injection: every reply is scripted, every request recorded. */
export interface FakeNeuron {
  url: string;
  requests: RecordedRequest[];
  /** Inference requests only (`/v1/*`). */
  inferenceRequests(): RecordedRequest[];
  models: ModelInfo[];
  health: Health;
  discovery: Discovery;
  /** When set, `/models` and `/health` answer 500 (a sick node). */
  failPolls: boolean;
  setInference(handler: InferenceHandler): void;
  close(): Promise<void>;
}

/** A loaded model entry as a neuron reports it. */
export function modelInfo(id: string, overrides: Partial<ModelInfo> = {}): ModelInfo {
  return {
    id,
    harness: "llama.cpp",
    status: "loaded",
    devices: [],
    capabilities: ["text"],
    tool_call: false,
    reasoning: false,
    ...overrides,
  };
}

/** Starts a fake neuron on an ephemeral loopback port. */
export async function startFakeNeuron(options: FakeNeuronOptions = {}): Promise<FakeNeuron> {
  let inference: InferenceHandler =
    options.inference ?? ((request) => chatReply(JSON.parse(request.body).model));
  let hits = 0;
  const neuron = {
    url: "",
    requests: [] as RecordedRequest[],
    inferenceRequests: () =>
      neuron.requests.filter((request) => request.path.startsWith("/v1/") || request.path === "/infill"),
    models: options.models ?? [modelInfo("test-model")],
    health: {
      uptime_secs: 1,
      devices: [],
      activation: { state: "ready", pending: [], in_progress: null, completed: [], failed: [] },
      models: [],
      ...options.health,
    } as Health,
    discovery: {
      hostname: "fake",
      os: "Linux",
      kernel: "6",
      devices: [],
      harnesses: ["llama.cpp"],
      max_prompt_tokens: 0,
      ...options.discovery,
    } as Discovery,
    failPolls: false,
    setInference(handler: InferenceHandler) {
      inference = handler;
    },
    close: async () => {},
  };
  const app = new Hono();
  app.use("*", async (c, next) => {
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = c.req.method === "POST" ? await c.req.text() : "";
    const recorded = { method: c.req.method, path: c.req.path, headers, body };
    neuron.requests.push(recorded);
    c.set("recorded" as never, recorded as never);
    await next();
  });
  const sick = () => new Response(JSON.stringify({ error: "sick" }), { status: 500 });
  app.get("/discovery", (c) => c.json(neuron.discovery));
  app.get("/models", (c) => (neuron.failPolls ? sick() : c.json(neuron.models)));
  app.get("/health", (c) => (neuron.failPolls ? sick() : c.json(neuron.health)));
  app.post("/models/load", async (c) => {
    const body = JSON.parse(neuron.requests.at(-1)?.body ?? "{}") as Record<string, unknown>;
    if (options.load !== undefined) return options.load(body);
    const id = String(body.model_id);
    neuron.models = [...neuron.models.filter((model) => model.id !== id), modelInfo(id)];
    return c.json({ status: "loaded" });
  });
  app.post("/models/unload", (c) => {
    const body = JSON.parse(neuron.requests.at(-1)?.body ?? "{}") as { model_id?: string };
    neuron.models = neuron.models.filter((model) => model.id !== body.model_id);
    return c.json({ status: "unloaded" });
  });
  const infer = (c: { get(key: never): unknown }) => {
    hits++;
    return inference(c.get("recorded" as never) as RecordedRequest, hits);
  };
  app.post("/v1/*", infer);
  app.post("/infill", infer);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(started));
  });
  neuron.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  neuron.close = () =>
    new Promise<void>((resolve) => {
      if ("closeAllConnections" in server) server.closeAllConnections();
      server.close(() => resolve());
    });
  return neuron;
}

/** A non-streaming chat completion echoing `model`, usage 10/5/15. */
export function chatReply(
  model: string,
  content = "hello",
  extraHeaders: Record<string, string> = {},
): Response {
  return Response.json(
    {
      id: "chatcmpl-test",
      object: "chat.completion",
      created: 1,
      model,
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    },
    { headers: extraHeaders },
  );
}

/** The neuron's admission backpressure reply: 503 + Retry-After + the rate_limit_exceeded envelope. */
export function backpressureReply(retryAfter = 6): Response {
  return Response.json(
    {
      error: {
        message: "model is busy (admission queue full); retry shortly",
        type: "rate_limit_error",
        code: "rate_limit_exceeded",
        param: null,
      },
    },
    { status: 503, headers: { "retry-after": String(retryAfter) } },
  );
}

/**
 * An SSE chat stream of `count` chunks `token0..` spaced by `delayMs`, an optional usage chunk, then
 * `[DONE]`.
 */
export function sseReply(
  model: string,
  count: number,
  delayMs: number,
  usage?: { prompt_tokens: number; completion_tokens: number },
): Response {
  const encoder = new TextEncoder();
  const frame = (data: unknown) => encoder.encode(`data: ${JSON.stringify(data)}\n\n`);
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (let index = 0; index < count; index++) {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        controller.enqueue(
          frame({
            id: "chatcmpl-stream",
            object: "chat.completion.chunk",
            model,
            choices: [{ index: 0, delta: { content: `token${index}` }, finish_reason: null }],
          }),
        );
      }
      if (usage !== undefined) {
        controller.enqueue(
          frame({
            id: "chatcmpl-stream",
            object: "chat.completion.chunk",
            model,
            choices: [],
            usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
          }),
        );
      }
      controller.enqueue(encoder.encode("data: [DONE]\n\n"));
      controller.close();
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
  });
}
