import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { healthSchema } from "@helexa/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpFetch } from "./create-http-fetch.js";
import { describeFetchError, getNeuronJson, postNeuronJson } from "./neuron-client.js";
import type { NodeState } from "./node-state.js";

let server: Server;
let url: string;
const seen: Array<{ method: string; path: string; authorization: string | undefined; body: string }> = [];
const fetchOverHttp = createHttpFetch();

beforeAll(async () => {
  server = createServer(async (request, response) => {
    let body = "";
    for await (const chunk of request) body += chunk;
    seen.push({
      method: request.method ?? "",
      path: request.url ?? "",
      authorization: request.headers.authorization,
      body,
    });
    if (request.url === "/health") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ uptime_secs: 1, models: [] }));
    } else if (request.url === "/bom") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(`\ufeff${JSON.stringify({ uptime_secs: 2 })}`);
    } else if (request.url === "/slow") {
      setTimeout(() => response.end("{}"), 2_000);
    } else if (request.url === "/models/load") {
      response.writeHead(409, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { message: "busy" } }));
    } else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  fetchOverHttp.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// Replies that should arrive get a 10 s bound: on a loaded CI machine a loopback reply can take over a second,
// and only /slow (100 ms against its 2 s reply) is meant to time out.
const node = (endpoint: string) =>
  ({ name: "n", endpoint, authToken: "neuron-token" }) as unknown as NodeState;

describe("createHttpFetch (the poller's transport)", () => {
  it("GETs with the neuron's token and hands back the parsed, validated body", async () => {
    const reply = await getNeuronJson(fetchOverHttp, node(url), "/health", healthSchema, 10_000);
    expect(reply).toMatchObject({ ok: true, value: { uptime_secs: 1, models: [] } });
    expect(seen.at(-1)).toMatchObject({
      method: "GET",
      path: "/health",
      authorization: "Bearer neuron-token",
    });
  });

  it("POSTs a JSON body and reports a refusal with its status and body", async () => {
    const reply = await postNeuronJson(fetchOverHttp, node(url), "/models/load", { model_id: "m" }, 10_000);
    expect(reply).toEqual({
      ok: false,
      status: 409,
      message: "/models/load: HTTP 409",
      body: { error: { message: "busy" } },
    });
    expect(seen.at(-1)?.body).toBe('{"model_id":"m"}');
  });

  it("times out as fetch does, and names a refused connection by its code", async () => {
    const slow = await getNeuronJson(fetchOverHttp, node(url), "/slow", healthSchema, 100);
    expect(slow).toEqual({ ok: false, status: null, message: "timed out" });
    const refused = await fetchOverHttp("http://127.0.0.1:9/health").catch((error: unknown) => error);
    expect(describeFetchError(refused)).toBe("ECONNREFUSED");
    const refusedPoll = await getNeuronJson(
      fetchOverHttp,
      node("http://127.0.0.1:9"),
      "/health",
      healthSchema,
      10_000,
    );
    expect(refusedPoll).toEqual({ ok: false, status: null, message: "ECONNREFUSED" });
  });

  it("polls (its getText) read every reply as its fetch does", async () => {
    // The same transport without getText: getNeuronJson goes through the Response path instead.
    const viaResponse = (input: string | URL | Request, init?: RequestInit) => fetchOverHttp(input, init);
    for (const [path, timeoutMs] of [
      ["/health", 10_000],
      ["/bom", 10_000],
      ["/missing", 10_000],
      ["/models/load", 10_000],
      ["/slow", 100],
    ] as const) {
      const expected = await getNeuronJson(viaResponse, node(url), path, healthSchema, timeoutMs);
      const polled = await getNeuronJson(fetchOverHttp, node(url), path, healthSchema, timeoutMs);
      expect({ path, ...polled }).toEqual({ path, ...expected });
    }
    expect(seen.at(-1)).toMatchObject({ method: "GET", path: "/slow", authorization: "Bearer neuron-token" });
  });
});
