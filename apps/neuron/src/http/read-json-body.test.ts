import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { readJsonBody } from "./read-json-body.js";
import { renderErrorResponse } from "./render-error-response.js";

// The body reader on a real socket: a chunked upload stops at the limit, and BOM-led JSON parses.
const limit = 1024 * 1024;
let url: URL;
let server: ReturnType<typeof serve>;

beforeAll(async () => {
  const app = new Hono()
    .post("/echo", async (c) => c.json(await readJsonBody(c, z.looseObject({ model: z.string() }), limit)))
    .onError((error) => renderErrorResponse(error, pino({ level: "silent" })));
  server = await new Promise((resolve) => {
    const created = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(created));
  });
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/echo`);
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/**
 * Streams up to `totalBytes` of a chunked body (no Content-Length), as fast as the server reads it, until
 * the reply comes; resolves with the reply and how many bytes were written.
 */
function chunkedUpload(totalBytes: number) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string; written: number }>(
    (resolve, reject) => {
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let written = 0;
      let answered = false;
      const request = httpRequest(url, { method: "POST", headers: { "content-type": "application/json" } });
      request.on("response", (response) => {
        answered = true;
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (data: string) => {
          body += data;
        });
        response.on("end", () => {
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body, written });
          request.destroy();
        });
      });
      request.on("error", (error) => {
        if (!answered) reject(error);
      });
      const pump = () => {
        while (!answered && written < totalBytes) {
          written += chunk.byteLength;
          if (!request.write(chunk)) {
            request.once("drain", pump);
            return;
          }
        }
        if (!answered) request.end();
      };
      request.write("{");
      pump();
    },
  );
}

describe("readJsonBody", () => {
  it("stops reading a chunked body at the limit: 413 in the envelope, connection closed", async () => {
    const total = 128 * 1024 * 1024;
    const reply = await chunkedUpload(total);
    expect(reply.status).toBe(413);
    expect(reply.headers.connection).toBe("close");
    expect(JSON.parse(reply.body)).toMatchObject({
      error: { type: "invalid_request_error", code: "payload_too_large" },
    });
    // What the client could push before the reply: the limit plus socket buffers, not the whole upload.
    expect(reply.written).toBeLessThan(total / 4);
  });

  it("refuses a declared Content-Length over the limit before any of the body arrives", async () => {
    // Only the headers are sent: a reader that waited for the body would never answer.
    const reply = await new Promise<{ status: number; connection: unknown; body: string }>(
      (resolve, reject) => {
        const request = httpRequest(url, {
          method: "POST",
          headers: { "content-type": "application/json", "content-length": String(limit + 1) },
        });
        request.on("response", (response) => {
          let body = "";
          response.setEncoding("utf8");
          response.on("data", (data: string) => {
            body += data;
          });
          response.on("end", () => {
            resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, body });
            request.destroy();
          });
        });
        request.on("error", reject);
        request.flushHeaders();
      },
    );
    expect(reply.status).toBe(413);
    expect(reply.connection).toBe("close");
    expect(JSON.parse(reply.body)).toMatchObject({ error: { code: "payload_too_large" } });
  });

  it("reads a declared body of exactly the limit, multi-byte text included", async () => {
    const text = "é".repeat(100);
    const frame = Buffer.byteLength(JSON.stringify({ model: "tiny", pad: "", text }));
    const body = JSON.stringify({ model: "tiny", pad: "x".repeat(limit - frame), text });
    expect(Buffer.byteLength(body)).toBe(limit);
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { text: string }).text).toBe(text);
  });

  it("drops a leading UTF-8 byte-order mark", async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `\uFEFF{"model":"tiny"}`,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ model: "tiny" });
  });
});
