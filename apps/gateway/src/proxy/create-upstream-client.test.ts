import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { describeFetchError } from "../fleet/neuron-client.js";
import { createGate, waitFor } from "../test-support/gate.js";
import { createUpstreamClient, readMessage } from "./create-upstream-client.js";

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Records uncaught exceptions until the test ends. */
function watchUncaught(): unknown[] {
  const seen: unknown[] = [];
  const listener = (error: unknown) => seen.push(error);
  process.on("uncaughtException", listener);
  cleanups.push(() => process.off("uncaughtException", listener));
  return seen;
}

/**
 * A raw HTTP server whose handler the test scripts: `received` counts requests, `connections` sockets,
 * `closed` the replies whose connection went away before they were finished.
 */
async function server(handle: (response: ServerResponse, hits: number) => void) {
  let hits = 0;
  const state = { received: 0, connections: 0, closed: 0, url: "" };
  const http = createServer((request, response) => {
    state.received++;
    request.resume();
    request.once("end", () => handle(response, ++hits));
    response.once("close", () => {
      if (!response.writableFinished) state.closed++;
    });
  });
  http.on("connection", () => state.connections++);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  );
  return state;
}

async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
}

function client() {
  const upstream = createUpstreamClient();
  cleanups.push(() => upstream.close());
  return upstream;
}

describe("createUpstreamClient", () => {
  it("rejects the reply with the abort reason when aborted before any reply (no hang)", async () => {
    const uncaught = watchUncaught();
    const target = await server(() => {}); // never answers
    const request = client().post(target.url, {}, "{}");
    await waitFor(() => target.received === 1);
    const reason = new Error("client disconnected");
    request.abort(reason);
    await expect(request.reply).rejects.toBe(reason);
    await waitFor(() => target.closed === 1);
    await settle();
    expect(uncaught).toEqual([]);
  });

  it("rejects at once when aborted before the request even left", async () => {
    const target = await server((response) => response.end("{}"));
    const request = client().post(target.url, {}, "{}");
    const reason = new Error("timeout");
    request.abort(reason);
    await expect(request.reply).rejects.toBe(reason);
  });

  it("cuts a body mid-way: its reader sees the cut, nothing is thrown elsewhere", async () => {
    const uncaught = watchUncaught();
    const target = await server((response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write("data: one\n\n"); // and never ends
    });
    const request = client().post(target.url, {}, "{}");
    const reply = await request.reply;
    const chunks = reply.message[Symbol.asyncIterator]();
    expect(new TextDecoder().decode((await chunks.next()).value)).toBe("data: one\n\n");
    const next = chunks.next();
    request.abort(new Error("idle timeout"));
    await expect(next).rejects.toThrow();
    await waitFor(() => target.closed === 1);
    await settle();
    expect(uncaught).toEqual([]);
  });

  it("cuts a body whose reader is leaving, without an uncaught error", async () => {
    const uncaught = watchUncaught();
    const target = await server((response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write("data: one\n\n");
    });
    const request = client().post(target.url, {}, "{}");
    const reply = await request.reply;
    const chunks = reply.message[Symbol.asyncIterator]();
    await chunks.next();
    // the order a tapped stream's cancel uses: abort first, then release the iterator
    request.abort(new Error("client disconnected"));
    await chunks.return?.();
    await waitFor(() => target.closed === 1);
    await settle();
    expect(uncaught).toEqual([]);
  });

  it("cuts a body that fully arrived but was not read to its end, without an uncaught error", async () => {
    const uncaught = watchUncaught();
    const target = await server((response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write("data: one\n\n");
      setImmediate(() => response.end("data: [DONE]\n\n"));
    });
    const request = client().post(target.url, {}, "{}");
    const reply = await request.reply;
    const chunks = reply.message[Symbol.asyncIterator]();
    await chunks.next();
    await waitFor(() => reply.message.complete);
    request.abort(new Error("client disconnected"));
    await chunks.return?.();
    await settle();
    expect(uncaught).toEqual([]);
  });

  it("ignores an abort after the body ended, and the next request reuses the connection", async () => {
    const uncaught = watchUncaught();
    const second = createGate();
    const target = await server((response, hits) => {
      response.end(JSON.stringify({ hits }));
      if (hits === 2) second.open();
    });
    const upstream = client();
    const first = upstream.post(target.url, {}, "{}");
    const body = await readMessage((await first.reply).message);
    expect(JSON.parse(new TextDecoder().decode(body))).toEqual({ hits: 1 });
    first.abort(new Error("client disconnected"));
    // undici hands a connection back to its pool once the turn that completed its reply has ended.
    await settle();
    const next = await upstream.post(target.url, {}, "{}").reply;
    expect(JSON.parse(new TextDecoder().decode(await readMessage(next.message)))).toEqual({ hits: 2 });
    await second.promise;
    await settle();
    expect(target.closed).toBe(0);
    expect(target.connections).toBe(1);
    expect(uncaught).toEqual([]);
  });
  it("retries once on a fresh connection when the neuron closes the connection before replying", async () => {
    const target = await server((response, hits) => {
      if (hits === 2)
        response.socket?.destroy(); // the kept-alive connection, closed under the request
      else response.end(JSON.stringify({ hits }));
    });
    const upstream = client();
    await readMessage((await upstream.post(target.url, {}, "{}").reply).message);
    await settle();
    const retried = await upstream.post(target.url, {}, "{}").reply;
    expect(JSON.parse(new TextDecoder().decode(await readMessage(retried.message)))).toEqual({ hits: 3 });
    expect(target.connections).toBe(2);
  });

  it("gives up after one retry when every connection is closed before a reply, and says so in words", async () => {
    const target = await server((response) => response.socket?.destroy());
    const failure = await client()
      .post(target.url, {}, "{}")
      .reply.then(
        () => null,
        (error: unknown) => error,
      );
    expect(target.received).toBe(2);
    expect(describeFetchError(failure)).toBe("connection closed by the neuron");
  });

  it("holds a long body nobody reads yet, and hands all of it over in order once read", async () => {
    const frame = `data: ${"x".repeat(1000)}\n\n`;
    const target = await server((response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      for (let index = 0; index < 300; index++) response.write(frame);
      response.end("data: [DONE]\n\n");
    });
    const reply = await client().post(target.url, {}, "{}").reply;
    await waitFor(() => target.received === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = new TextDecoder().decode(await readMessage(reply.message));
    expect(text).toBe(`${frame.repeat(300)}data: [DONE]\n\n`);
  });
});
