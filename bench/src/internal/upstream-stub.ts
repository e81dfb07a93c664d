import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { instantStreamUser } from "./chat-request.js";
import { buildNeuronLookAlike, stubModelId } from "./neuron-look-alike.js";
import { wallClockMs } from "./wall-clock.js";

export interface UpstreamStubOptions {
  /** Content chunks of a streamed answer. */
  chunks: number;
  /** Pause between streamed chunks. */
  gapMs: number;
}

const completion = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1_700_000_000,
  model: stubModelId,
  choices: [
    { index: 0, message: { role: "assistant", content: "Hello from the stub." }, finish_reason: "stop" },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
});

function chunk(delta: Record<string, unknown>, finishReason: string | null): string {
  const payload = {
    id: "chatcmpl-bench",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: stubModelId,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/**
 * Streams `chunks` content deltas `gapMs` apart (all at once when `instant`). Each delta's text is
 * `t=<wall clock ms>` at write time, so a client can tell how long each chunk took to reach it and whether
 * anything held chunks back.
 */
function stream(response: ServerResponse, options: UpstreamStubOptions, instant: boolean): void {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  response.write(chunk({ role: "assistant", content: `t=${wallClockMs()}` }, null));
  if (instant) {
    for (let written = 1; written < options.chunks; written += 1)
      response.write(chunk({ content: `t=${wallClockMs()}` }, null));
    response.end(`${chunk({}, "stop")}data: [DONE]\n\n`);
    return;
  }
  let written = 1;
  const timer = setInterval(() => {
    if (written < options.chunks) {
      response.write(chunk({ content: `t=${wallClockMs()}` }, null));
      written += 1;
      return;
    }
    clearInterval(timer);
    response.end(`${chunk({}, "stop")}data: [DONE]\n\n`);
  }, options.gapMs);
  response.once("close", () => clearInterval(timer));
}

function sendJson(response: ServerResponse, body: string, status = 200): void {
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  });
  response.end(body);
}

/** How the request asks to be answered: whole, streamed `gapMs` apart, or streamed at once. */
function answerMode(body: string): "whole" | "stream" | "instant" {
  try {
    const parsed = JSON.parse(body) as { stream?: unknown; user?: unknown };
    if (parsed.stream !== true) return "whole";
    return parsed.user === instantStreamUser ? "instant" : "stream";
  } catch {
    return "whole";
  }
}

/**
 * An upstream that answers a chat completion at once (or streams one) and looks like a neuron serving one
 * model `bench`: `/discovery`, `/models`, `/health`, `/models/bench/endpoint`, `/v1/chat/completions`.
 */
export function createUpstreamStub(options: UpstreamStubOptions): Server {
  const startedAt = Date.now();
  const server = createServer({ keepAliveTimeout: 60_000 });
  const handle = (request: IncomingMessage, response: ServerResponse, body: string) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method === "POST" && path === "/v1/chat/completions") {
      const mode = answerMode(body);
      if (mode === "whole") sendJson(response, completion);
      else stream(response, options, mode === "instant");
      return;
    }
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    const lookAlike = buildNeuronLookAlike(`http://127.0.0.1:${port}`, startedAt);
    if (path === "/discovery") sendJson(response, JSON.stringify(lookAlike.discovery));
    else if (path === "/models") sendJson(response, JSON.stringify(lookAlike.models));
    else if (path === "/health") sendJson(response, JSON.stringify(lookAlike.health));
    else if (path === `/models/${stubModelId}/endpoint`)
      sendJson(response, JSON.stringify(lookAlike.endpoint));
    else
      sendJson(
        response,
        JSON.stringify({ error: { message: "not found", type: "invalid_request_error" } }),
        404,
      );
  };
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    request.on("end", () => handle(request, response, Buffer.concat(parts).toString("utf8")));
  });
  return server;
}
