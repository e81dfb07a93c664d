import type { AddressInfo } from "node:net";
import { rawHttpExchange } from "@helexa/test-support";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import type { AppEnv } from "../internal/app-env.js";
import { createApiServer } from "./create-api-server.js";

// What Node's HTTP parser and request timer refuse before any route runs still gets an error in the
// client's dialect, not Node's bare status line.
let close: (() => Promise<void>) | undefined;

afterEach(async () => {
  await close?.();
  close = undefined;
});

/** cortex's API server around an app that answers 200 once it has read the whole body (none arrives here). */
async function listen(requestTimeoutMs?: number): Promise<number> {
  const app = new Hono<AppEnv>().all("*", async (c) => {
    const body = await c.req.text().catch(() => "(the body never ended)");
    return c.text(body);
  });
  const server = createApiServer({ app });
  if (requestTimeoutMs !== undefined) {
    // Node's defaults (60 s for headers, 300 s for the whole request, checked every 30 s), shortened.
    server.headersTimeout = requestTimeoutMs;
    server.requestTimeout = requestTimeoutMs;
    // Read when the server starts listening; Node's types leave it out.
    Object.assign(server, { connectionsCheckingInterval: 50 });
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  close = () => new Promise((resolve) => server.close(() => resolve()));
  return (server.address() as AddressInfo).port;
}

describe("cortex's API server: requests Node refuses before routing", () => {
  it("a malformed request line is a 400 in the OpenAI envelope, and the connection closes", async () => {
    const reply = await rawHttpExchange(await listen(), "NOT HTTP AT ALL\r\n\r\n");
    expect(reply.status).toBe(400);
    expect(reply.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(reply.body)).toMatchObject({
      error: { type: "invalid_request_error", code: "malformed_http_request", param: null },
    });
  });

  it("headers over Node's limit are a 431 in the OpenAI envelope", async () => {
    const huge = `x-padding: ${"a".repeat(20_000)}\r\n`;
    const reply = await rawHttpExchange(await listen(), `GET /v1/models HTTP/1.1\r\nhost: x\r\n${huge}\r\n`);
    expect(reply.status).toBe(431);
    expect(JSON.parse(reply.body)).toMatchObject({ error: { code: "request_header_fields_too_large" } });
  });

  it("a body that stops arriving is a 408 once the request timeout passes, in the dialect of its route", async () => {
    const port = await listen(300);
    const stalled = (path: string) =>
      `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"model"`;
    const anthropic = await rawHttpExchange(port, stalled("/v1/messages"));
    expect(anthropic.status).toBe(408);
    expect(JSON.parse(anthropic.body)).toEqual({
      type: "error",
      error: { type: "invalid_request_error", message: expect.stringContaining("did not arrive in time") },
    });
    const openAi = await rawHttpExchange(port, stalled("/v1/chat/completions"));
    expect(openAi.status).toBe(408);
    expect(JSON.parse(openAi.body)).toMatchObject({ error: { code: "request_timeout" } });
  });
});
