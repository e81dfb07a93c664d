import { request } from "node:http";
import { modelNotFound } from "@helexa/core";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import type { Dispatch, DispatchRequest } from "../dispatch/dispatch.js";
import type { AppEnv } from "../internal/app-env.js";
import type { Logger } from "../internal/logger.js";
import { createGate } from "../test-support/gate.js";
import { createRecordingEntitlements } from "../test-support/recording-entitlements.js";
import { serveApp } from "../test-support/serve-app.js";
import { createDirectProxy } from "./create-api-server.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Served {
  url: string;
  seen: DispatchRequest[];
  logged: Array<Record<string, unknown>>;
}

/** A real server whose fast path hands requests to `dispatch`; the Hono app answers what it leaves. */
async function serve(
  dispatch: Dispatch,
  options: { requireAuth?: boolean; maxBodyBytes?: number } = {},
): Promise<Served> {
  const seen: DispatchRequest[] = [];
  const logged: Array<Record<string, unknown>> = [];
  const logger: Logger = { debug() {}, info() {}, warn() {}, error: (fields) => logged.push(fields) };
  const app = new Hono<AppEnv>().all("*", (c) => c.text("hono", 200));
  const entitlements =
    options.requireAuth === undefined
      ? undefined
      : createRecordingEntitlements({ requireAuth: options.requireAuth }).entitlements;
  const serveDirect = createDirectProxy({
    dispatch: (req) => {
      seen.push(req);
      return dispatch(req);
    },
    entitlements,
    logger,
    maxBodyBytes: options.maxBodyBytes ?? 1024,
  });
  const server = await serveApp({ app, serveDirect });
  cleanups.push(() => server.close());
  return { url: server.url, seen, logged };
}

// Valid on all three routes (each checks its own prompt field: messages, prompt, input).
const body = JSON.stringify({
  model: "m",
  messages: [{ role: "user", content: "hi" }],
  prompt: "hi",
  input: "hi",
});
const post = (extra: Record<string, string> = {}, text = body): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...extra },
  body: text,
});
const json = (value: unknown, status = 200) => Response.json(value, { status });

describe("createDirectProxy", () => {
  it("dispatches POSTs to the three pass-through routes, query strings included, with Node's headers", async () => {
    const served = await serve(async () => json({ ok: true }));
    for (const path of ["/v1/chat/completions", "/v1/completions", "/v1/responses?api-version=1"]) {
      const response = await fetch(`${served.url}${path}`, post({ "x-custom": "yes" }));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: true });
    }
    expect(served.seen.map((seen) => seen.route)).toEqual([
      "/v1/chat/completions",
      "/v1/completions",
      "/v1/responses",
    ]);
    const first = served.seen[0] as DispatchRequest;
    expect(first.rawBody).toBe(body);
    expect(first.body.model).toBe("m");
    expect(first.outgoing).toBeDefined();
    expect((first.headers as Record<string, string>)["x-custom"]).toBe("yes");
  });

  it("leaves browsers (Origin), other methods and other paths to the app", async () => {
    const served = await serve(async () => json({ ok: true }));
    const answers = await Promise.all([
      fetch(`${served.url}/v1/chat/completions`, post({ origin: "http://localhost:3000" })),
      fetch(`${served.url}/v1/chat/completions`),
      fetch(`${served.url}/v1/messages`, post()),
      fetch(`${served.url}/v1/chat/completions/extra`, post()),
    ]);
    for (const answer of answers) expect(await answer.text()).toBe("hono");
    expect(served.seen).toHaveLength(0);
  });

  it("refuses a body over the limit with 413 in the OpenAI envelope, by Content-Length or while reading", async () => {
    const served = await serve(async () => json({ ok: true }), { maxBodyBytes: 64 });
    const large = JSON.stringify({ model: "m", prompt: "x".repeat(200) });
    const declared = await fetch(`${served.url}/v1/completions`, post({}, large));
    expect(declared.status).toBe(413);
    expect(declared.headers.get("connection")).toBe("close");
    expect(await declared.json()).toMatchObject({ error: { type: "invalid_request_error" } });

    // Chunked (no Content-Length): the limit is enforced on the bytes read.
    const chunked = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const outgoing = request(`${served.url}/v1/completions`, { method: "POST" }, (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (part: string) => {
          text += part;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
      });
      outgoing.on("error", reject);
      outgoing.write(large.slice(0, 100));
      outgoing.end(large.slice(100));
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.text)).toMatchObject({ error: { type: "invalid_request_error" } });
    expect(served.seen).toHaveLength(0);
  });

  it("answers malformed JSON as 400 invalid_json", async () => {
    const served = await serve(async () => json({ ok: true }));
    const response = await fetch(`${served.url}/v1/chat/completions`, post({}, "not json"));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { type: "invalid_request_error", code: "invalid_json", param: null },
    });
    expect(served.seen).toHaveLength(0);
  });

  it("answers a body that is not a JSON object with a model as 400 missing_model_field", async () => {
    const served = await serve(async () => json({ ok: true }));
    for (const text of ["[1]", JSON.stringify({ messages: [] }), JSON.stringify({ model: "" })]) {
      const response = await fetch(`${served.url}/v1/chat/completions`, post({}, text));
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { type: "invalid_request_error", code: "missing_model_field" },
      });
    }
    expect(served.seen).toHaveLength(0);
  });

  it("checks the API key first, and passes the caller's identity to dispatch", async () => {
    const served = await serve(async () => json({ ok: true }), { requireAuth: true });
    const missing = await fetch(`${served.url}/v1/chat/completions`, post());
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { code: "invalid_api_key" } });
    const wrong = await fetch(`${served.url}/v1/chat/completions`, post({ authorization: "Bearer nope" }));
    expect(wrong.status).toBe(401);
    const right = await fetch(`${served.url}/v1/chat/completions`, post({ authorization: "Bearer sk-test" }));
    expect(right.status).toBe(200);
    expect(served.seen.map((seen) => seen.identity)).toEqual([{ keyId: "key-1", accountId: "acct-1" }]);
  });

  it("renders a refusal in the OpenAI envelope, and an unknown error as a bare 500 with a request id", async () => {
    let fail: () => never = () => {
      throw modelNotFound("nope");
    };
    const served = await serve(async () => fail());
    const refused = await fetch(`${served.url}/v1/chat/completions`, post());
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ error: { code: "model_not_found" } });

    fail = () => {
      throw new Error("secret internals at /srv/cortex.js:12");
    };
    const crashed = await fetch(`${served.url}/v1/chat/completions`, post());
    expect(crashed.status).toBe(500);
    const text = await crashed.text();
    expect(text).not.toContain("secret internals");
    expect(text).toMatch(/request id [0-9a-f-]{36}/);
    expect(served.logged).toHaveLength(1);
  });

  it("writes a returned Response: status, headers, and an SSE body chunk by chunk", async () => {
    const gate = createGate();
    const encoder = new TextEncoder();
    const served = await serve(async () => {
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(encoder.encode("data: one\n\n"));
          await gate.promise;
          controller.enqueue(encoder.encode("data: [DONE]\n\n"));
          controller.close();
        },
      });
      return new Response(body, {
        status: 200,
        headers: { "content-type": "text/event-stream", "retry-after": "3" },
      });
    });
    const response = await fetch(`${served.url}/v1/chat/completions`, post());
    expect(response.headers.get("retry-after")).toBe("3");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    // The first event arrives while the second is still held back: nothing buffers the body.
    expect(new TextDecoder().decode(first.value)).toBe("data: one\n\n");
    gate.open();
    let rest = "";
    for (let part = await reader.read(); !part.done; part = await reader.read())
      rest += new TextDecoder().decode(part.value);
    expect(rest).toBe("data: [DONE]\n\n");
  });

  it("cancels a returned stream's body when the client goes away", async () => {
    let cancelled: (reason: unknown) => void = () => {};
    const cancelledPromise = new Promise<unknown>((resolve) => {
      cancelled = resolve;
    });
    const served = await serve(async () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(": waiting\n\n"));
        },
        cancel(reason) {
          cancelled(reason);
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    });
    const client = new AbortController();
    const response = await fetch(`${served.url}/v1/chat/completions`, { ...post(), signal: client.signal });
    await (response.body as ReadableStream<Uint8Array>).getReader().read();
    client.abort();
    await cancelledPromise;
  });

  it("leaves a reply dispatch already wrote alone", async () => {
    const served = await serve(async (req) => {
      req.outgoing?.writeHead(202, { "content-type": "text/plain" }).end("written directly");
      return RESPONSE_ALREADY_SENT;
    });
    const response = await fetch(`${served.url}/v1/chat/completions`, post());
    expect(response.status).toBe(202);
    expect(await response.text()).toBe("written directly");
  });
});
