import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestCortex, type TestCortex } from "../test-support/create-test-cortex.js";
import { createRecordingEntitlements } from "../test-support/recording-entitlements.js";
import { serveApp } from "../test-support/serve-app.js";
import { type SpawnedNeuron, spawnTinyNeuron } from "../test-support/spawn-neuron.js";

// Stored responses through cortex to a real neuron (tiny model), keys on (`sk-test` is key-1; a caller
// without a key is anonymous, another owner). The POSTs go through cortex's fast path (serveDirect), the
// GET/DELETE through the app, as in production.
let neuron: SpawnedNeuron;
let cortex: TestCortex;
let server: { url: string; close(): Promise<void> };
const recording = createRecordingEntitlements();
const KEY = { authorization: "Bearer sk-test" };

beforeAll(async () => {
  neuron = await spawnTinyNeuron({ sequences: 2, maxQueueDepth: 8, contextSize: 4096 });
  cortex = await createTestCortex({
    neurons: [{ name: "n", url: neuron.url }],
    entitlements: recording.entitlements,
  });
  server = await serveApp(cortex);
}, 120_000);

afterAll(async () => {
  await server?.close();
  cortex?.close();
  await neuron?.kill();
});

interface ResponseObject {
  id: string;
  object: string;
  status: string;
  previous_response_id: string | null;
  output: Array<Record<string, unknown>>;
  usage: { input_tokens: number; output_tokens: number };
}

function call(method: string, path: string, body?: unknown, headers: Record<string, string> = KEY) {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const turn = (extra: Record<string, unknown>) => ({
  model: "tiny",
  temperature: 0,
  max_output_tokens: 6,
  ...extra,
});

async function create(extra: Record<string, unknown>, headers?: Record<string, string>) {
  const response = await call("POST", "/v1/responses", turn(extra), headers);
  expect(response.status).toBe(200);
  return (await response.json()) as ResponseObject;
}

describe("stored responses through cortex", () => {
  it("stores a reply (store defaults to true) and GET returns it to its key only", async () => {
    const first = await create({ input: "Say hello." });
    const got = await call("GET", `/v1/responses/${first.id}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(first);

    const stranger = await call("GET", `/v1/responses/${first.id}`, undefined, {});
    expect(stranger.status).toBe(404);
    const error = (await stranger.json()) as { error: { type: string; message: string } };
    expect(error.error.type).toBe("invalid_request_error");
    expect(error.error.message).toContain(first.id);
  });

  it("previous_response_id sends the previous input and output before the new input, and echoes the id", async () => {
    const first = await create({ input: "Say hello.", instructions: "Be brief." });
    const second = await create({ input: "Again.", previous_response_id: first.id });
    expect(second.previous_response_id).toBe(first.id);
    // The neuron evaluated exactly the expanded conversation (instructions are not carried over).
    const expanded = [
      { type: "message", role: "user", content: "Say hello." },
      ...first.output.filter((item) => ["message", "function_call", "reasoning"].includes(String(item.type))),
      { type: "message", role: "user", content: "Again." },
    ];
    const direct = await fetch(`${neuron.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(turn({ input: expanded })),
    });
    const directReply = (await direct.json()) as ResponseObject;
    expect(second.usage.input_tokens).toBe(directReply.usage.input_tokens);
    expect(second.usage.input_tokens).toBeGreaterThan(first.usage.input_tokens);
    // The hold saw the expanded prompt too.
    const reserves = recording.calls.filter((entry) => entry.kind === "reserve");
    const secondHold = reserves.at(-1);
    expect(secondHold?.tokens).toBeGreaterThanOrEqual(second.usage.input_tokens);

    // The chain goes on from the second turn.
    const items = await call("GET", `/v1/responses/${second.id}/input_items?order=asc`);
    const list = (await items.json()) as { object: string; data: Array<{ content?: unknown }> };
    expect(list.object).toBe("list");
    expect(list.data[0]?.content).toBe("Say hello.");
    expect(list.data.at(-1)?.content).toBe("Again.");
  });

  it("the app's route (a browser request, with Origin) resolves previous_response_id the same way", async () => {
    const first = await create({ input: "Say hello." });
    const browser = { ...KEY, origin: "https://ui.example" };
    const second = await create({ input: "Again.", previous_response_id: first.id }, browser);
    expect(second.previous_response_id).toBe(first.id);
    const viaFastPath = await create({ input: "Again.", previous_response_id: first.id });
    expect(second.usage.input_tokens).toBe(viaFastPath.usage.input_tokens);
    const got = await call("GET", `/v1/responses/${second.id}`, undefined, browser);
    expect(got.status).toBe(200);
    expect(got.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("a streamed reply is stored from its response.completed event", async () => {
    const response = await call("POST", "/v1/responses", turn({ input: "Count to three.", stream: true }));
    expect(response.status).toBe(200);
    const text = await response.text();
    const completed = text
      .split("\n")
      .filter((line) => line.startsWith("data:"))
      .map((line) => JSON.parse(line.slice(5)) as { type: string; response?: ResponseObject })
      .find((event) => event.type === "response.completed" || event.type === "response.incomplete");
    const id = completed?.response?.id as string;
    const stored = (await (await call("GET", `/v1/responses/${id}`)).json()) as ResponseObject;
    expect(stored.output).toEqual(completed?.response?.output);
    expect(stored.usage).toEqual(completed?.response?.usage);
  });

  it("a streamed chained turn echoes previous_response_id in its events and is stored with it", async () => {
    const first = await create({ input: "Say hello." });
    const response = await call(
      "POST",
      "/v1/responses",
      turn({ input: "Again.", stream: true, previous_response_id: first.id }),
    );
    expect(response.status).toBe(200);
    const events = (await response.text())
      .split("\n")
      .filter((line) => line.startsWith("data:"))
      .map((line) => JSON.parse(line.slice(5)) as { type: string; response?: ResponseObject });
    const withResponse = events.filter((event) => event.response !== undefined);
    expect(withResponse.length).toBeGreaterThan(1);
    for (const event of withResponse) expect(event.response?.previous_response_id).toBe(first.id);
    const id = withResponse.at(-1)?.response?.id as string;
    const stored = (await (await call("GET", `/v1/responses/${id}`)).json()) as ResponseObject;
    expect(stored.previous_response_id).toBe(first.id);
  });

  it("store: false keeps nothing; an unknown or another key's previous_response_id is 400", async () => {
    const unstored = await create({ input: "Say hello.", store: false });
    expect((await call("GET", `/v1/responses/${unstored.id}`)).status).toBe(404);

    const missing = await call(
      "POST",
      "/v1/responses",
      turn({ input: "x", previous_response_id: unstored.id }),
    );
    expect(missing.status).toBe(400);
    const error = (await missing.json()) as { error: Record<string, unknown> };
    expect(error.error).toMatchObject({
      type: "invalid_request_error",
      param: "previous_response_id",
      code: "previous_response_not_found",
      message: `Previous response with id '${unstored.id}' not found.`,
    });

    const mine = await create({ input: "Say hello." });
    const theirs = await call(
      "POST",
      "/v1/responses",
      turn({ input: "x", previous_response_id: mine.id }),
      {},
    );
    expect(theirs.status).toBe(400);
  });

  it("DELETE removes a stored response once, for its key only", async () => {
    const stored = await create({ input: "Say hello." });
    expect((await call("DELETE", `/v1/responses/${stored.id}`, undefined, {})).status).toBe(404);
    const deleted = await call("DELETE", `/v1/responses/${stored.id}`);
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ id: stored.id, object: "response", deleted: true });
    expect((await call("GET", `/v1/responses/${stored.id}`)).status).toBe(404);
    expect((await call("DELETE", `/v1/responses/${stored.id}`)).status).toBe(404);
  });
});
