import { once } from "node:events";
import { discoverySchema, endpointReplySchema, healthSchema, modelListSchema } from "@helexa/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatRequestBody } from "./chat-request.js";
import { createSseSplitter } from "./read-sse-events.js";
import { createUpstreamStub } from "./upstream-stub.js";

const server = createUpstreamStub({ chunks: 3, gapMs: 1 });
let base = "";

beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("upstream stub", () => {
  it("looks like a neuron serving the loaded model `bench`", async () => {
    const get = async (path: string) => (await fetch(`${base}${path}`)).json();
    expect(discoverySchema.parse(await get("/discovery")).devices).toEqual([]);
    expect(modelListSchema.parse(await get("/models"))).toMatchObject([{ id: "bench", status: "loaded" }]);
    expect(healthSchema.parse(await get("/health")).models).toMatchObject([{ id: "bench", in_flight: 0 }]);
    expect(endpointReplySchema.parse(await get("/models/bench/endpoint"))).toEqual({ url: base });
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it("answers a chat completion at once", async () => {
    const response = await fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      body: '{"model":"bench"}',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      object: "chat.completion",
      choices: [{ finish_reason: "stop" }],
    });
  });

  it("streams time-stamped chunks, a finish chunk and [DONE]", async () => {
    const response = await fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "bench", stream: true }),
    });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const events: string[] = [];
    createSseSplitter((data) => events.push(data))(await response.text(), 0);
    expect(events).toHaveLength(5);
    expect(events.at(-1)).toBe("[DONE]");
    const stamps = events.slice(0, 3).map((data) => JSON.parse(data).choices[0].delta.content as string);
    for (const stamp of stamps) expect(stamp).toMatch(/^t=\d+(\.\d+)?$/);
    expect(JSON.parse(events[3]!).choices[0].finish_reason).toBe("stop");
  });

  it("writes an instant stream's chunks at once, a gapped one gapMs apart", async () => {
    const slow = createUpstreamStub({ chunks: 3, gapMs: 50 });
    slow.listen(0, "127.0.0.1");
    await once(slow, "listening");
    const address = slow.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
    const stamps = async (body: string) => {
      const response = await fetch(`${url}/v1/chat/completions`, { method: "POST", body });
      const events: string[] = [];
      createSseSplitter((data) => events.push(data))(await response.text(), 0);
      expect(events.at(-1)).toBe("[DONE]");
      return events.slice(0, 3).map((data) => Number(JSON.parse(data).choices[0].delta.content.slice(2)));
    };
    try {
      const gapped = await stamps(chatRequestBody({ stream: true }));
      expect(gapped[2]! - gapped[0]!).toBeGreaterThanOrEqual(100);
      // Written in one synchronous loop: nothing waits 100 ms between them.
      const instant = await stamps(chatRequestBody({ stream: true, instant: true }));
      expect(instant).toHaveLength(3);
      expect(instant[2]! - instant[0]!).toBeLessThan(100);
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  });
});
