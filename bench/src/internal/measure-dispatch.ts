import type { ServerResponse } from "node:http";
import { Writable } from "node:stream";
import { cortexConfigSchema } from "@helexa/core";
import {
  createCortexApp,
  createPoller,
  FleetState,
  toAppConfig,
  type UpstreamBody,
  type UpstreamClient,
} from "@helexa/gateway";
import { Registry } from "prom-client";
import { chatRequestBody } from "./chat-request.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** `cortex.toml` with nothing but the listen addresses set: how `cortex serve` runs by default. */
const defaults = cortexConfigSchema.parse({
  gateway: { listen: "127.0.0.1:0", metrics_listen: "127.0.0.1:0" },
});

/** What the stub answers to a chat completion, handed over without a socket. */
const reply = Buffer.from(
  JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    choices: [{ index: 0, message: { role: "assistant", content: "Hello." }, finish_reason: "stop" }],
    usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
  }),
);

/** The stub's reply body, whole from the start. */
const memoryBody: UpstreamBody = {
  complete: true,
  read(reader) {
    reader.data(reply);
    reader.end();
  },
  pause() {},
  resume() {},
  cancel() {},
  async *[Symbol.asyncIterator]() {
    yield reply;
  },
};

/** An upstream client that answers at once from memory: no socket, no event-loop turn. */
const memoryUpstream: UpstreamClient = {
  post() {
    const answer = {
      status: 200,
      headers: { "content-type": "application/json", "content-length": String(reply.byteLength) },
      message: memoryBody,
    };
    return { reply: Promise.resolve(answer), abort() {} };
  },
  close() {},
};

/** A stand-in for the client's Node response: takes `writeHead` and the body, and drops them. */
function discardingResponse(): ServerResponse {
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  return Object.assign(sink, { writeHead: () => sink }) as unknown as ServerResponse;
}

/**
 * cortex's own work per proxied chat completion, in µs, with every socket taken away: the fleet is polled
 * once from `neuronUrl` (the stub), then `dispatch` runs the real path (routing, pre-validation, upstream
 * headers, timers, reading the reply, usage, metrics, `Server-Timing`) against an upstream that answers
 * from memory and a response that discards what it is given. Sequential calls for `budgetMs` after a
 * warm-up as long: what the gateway's code costs when hot, free of the machine's scheduling.
 */
export async function measureDispatch(neuronUrl: string, budgetMs: number): Promise<number> {
  const fleet = new FleetState([{ name: "stub", endpoint: neuronUrl }], { models: [], aliases: {} });
  const poller = createPoller({
    fleet,
    fetch: globalThis.fetch,
    logger: silent,
    intervalMs: defaults.gateway.poll_interval_ms,
    timeoutMs: defaults.gateway.poll_timeout_ms,
    unhealthyAfterFailures: defaults.gateway.unhealthy_after_failures,
    now: Date.now,
  });
  await poller.pollOnce();
  const cortex = createCortexApp({
    fleet,
    fetch: globalThis.fetch,
    upstream: memoryUpstream,
    clock: { now: Date.now },
    registry: new Registry(),
    logger: silent,
    config: toAppConfig(defaults),
  });
  const raw = chatRequestBody();
  const signal = { aborted: false, addEventListener() {}, removeEventListener() {} };
  const once = () =>
    cortex.dispatch({
      route: "/v1/chat/completions",
      body: JSON.parse(raw) as Record<string, unknown>,
      rawBody: raw,
      headers: { "content-type": "application/json", "content-length": String(raw.length) },
      signal,
      identity: null,
      outgoing: discardingResponse(),
    });
  try {
    const run = async (ms: number) => {
      let calls = 0;
      const started = performance.now();
      while (performance.now() - started < ms) {
        await once();
        calls += 1;
      }
      return ((performance.now() - started) * 1000) / calls;
    };
    await run(budgetMs);
    return await run(budgetMs);
  } finally {
    cortex.close();
  }
}
