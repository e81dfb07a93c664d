import { Agent, request as httpRequest } from "node:http";
import { Readable } from "node:stream";
import { onTestFinished } from "vitest";
import type { CortexApp } from "../app.js";
import { serveApp } from "./serve-app.js";

/** `app.request`'s shape, answered by a real server on a loopback port. */
export interface ProductionPath {
  request(path: string, init?: RequestInit): Promise<Response>;
}

/**
 * Serves `cortex` as `cortex serve` does (the Node adapter for pass-through `POST`s without an `Origin`,
 * the Hono app for the rest), started on the first request, and sends requests to it with Node's
 * `http.request` on a kept-alive socket (which, unlike `fetch`, sends any header a test sets: `connection`
 * included). Closed when the test that started it finishes; a server started outside a test stays open,
 * unreferenced, until the test file ends.
 */
export function serveOnProductionPath(cortex: Pick<CortexApp, "app" | "serveDirect">): ProductionPath {
  let started: Promise<{ url: string; close(): Promise<void> }> | undefined;
  const agent = new Agent({ keepAlive: true });
  const start = () => {
    const server = serveApp({ app: cortex.app, serveDirect: cortex.serveDirect });
    try {
      onTestFinished(async () => {
        started = undefined;
        agent.destroy();
        await (await server).close();
      });
    } catch {
      // Outside a running test (a `beforeAll`): nothing to tie the server's life to.
    }
    return server;
  };
  return {
    async request(path, init = {}) {
      started ??= start();
      const { url } = await started;
      return send(`${url}${path}`, init, agent);
    },
  };
}

function send(url: string, init: RequestInit, agent: Agent): Promise<Response> {
  const method = init.method ?? "GET";
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value;
  });
  const body = init.body;
  if (body !== undefined && body !== null && typeof body !== "string" && !(body instanceof Uint8Array))
    throw new TypeError("serveOnProductionPath: a body must be a string or bytes");
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method, headers, agent }, (incoming) => {
      const answer = new Headers();
      for (let index = 0; index + 1 < incoming.rawHeaders.length; index += 2)
        answer.append(incoming.rawHeaders[index] as string, incoming.rawHeaders[index + 1] as string);
      const status = incoming.statusCode ?? 0;
      const empty = method === "HEAD" || status === 204 || status === 304;
      if (empty) incoming.resume();
      const stream = empty ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>);
      resolve(new Response(stream, { status, headers: answer }));
    });
    outgoing.on("error", reject);
    init.signal?.addEventListener("abort", () => outgoing.destroy(new Error("aborted")), { once: true });
    outgoing.end(body ?? undefined);
  });
}
