import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestCortex, type TestCortex } from "../test-support/create-test-cortex.js";
import { serveApp } from "../test-support/serve-app.js";
import { type SpawnedNeuron, spawnTinyNeuron } from "../test-support/spawn-neuron.js";

// Cortex (on a real socket: the direct proxy path for OpenAI routes, the app for Anthropic's) in front of
// a real neuron: wrong fields are 400s in the client's dialect naming the field, bodies are bounded
// while read, and a UTF-8 byte-order mark is accepted as the neuron accepts it.
let neuron: SpawnedNeuron;
let cortex: TestCortex;
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  neuron = await spawnTinyNeuron({});
  cortex = await createTestCortex({ neurons: [{ name: "n", url: neuron.url }], anthropic: true });
  server = await serveApp(cortex);
}, 120_000);

afterAll(async () => {
  await server?.close();
  cortex?.close();
  await neuron?.kill();
});

/** A JSON Schema `depth` objects deep, as text (JSON.stringify itself would overflow the stack). */
function deepSchema(depth: number): string {
  return `${'{"type":"object","properties":{"a":'.repeat(depth)}{"type":"string"}${"}}".repeat(depth)}`;
}

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

const hi = '"messages":[{"role":"user","content":"hi"}]';
const openAiCases: Array<[name: string, path: string, body: string, param: string]> = [
  [
    "tool parameters 5,000 deep",
    "/v1/chat/completions",
    `{"model":"tiny","max_tokens":2,${hi},"tools":[{"type":"function","function":{"name":"f","parameters":${deepSchema(5000)}}}]}`,
    "tools[0].function.parameters",
  ],
  [
    "json_schema 20,000 deep",
    "/v1/chat/completions",
    `{"model":"tiny","max_tokens":2,${hi},"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":${deepSchema(20_000)}}}}`,
    "response_format.json_schema.schema",
  ],
  [
    "10,000 empty messages",
    "/v1/chat/completions",
    JSON.stringify({
      model: "tiny",
      max_tokens: 2,
      messages: Array(10_000).fill({ role: "user", content: "" }),
    }),
    "messages",
  ],
  ["max_tokens 'x'", "/v1/chat/completions", `{"model":"tiny","max_tokens":"x",${hi}}`, "max_tokens"],
  ["max_tokens 2.5", "/v1/completions", '{"model":"tiny","max_tokens":2.5,"prompt":"hi"}', "max_tokens"],
  [
    "max_output_tokens 0",
    "/v1/responses",
    '{"model":"tiny","max_output_tokens":0,"input":"hi"}',
    "max_output_tokens",
  ],
  [
    "repeat_penalty {}",
    "/v1/responses",
    '{"model":"tiny","input":"hi","repeat_penalty":{}}',
    "repeat_penalty",
  ],
  ["stop [1]", "/v1/responses", '{"model":"tiny","input":"hi","stop":[1]}', "stop[0]"],
  [
    "messages[1].content 5",
    "/v1/chat/completions",
    `{"model":"tiny","messages":[{"role":"user","content":"a"},{"role":"user","content":5}]}`,
    "messages[1].content",
  ],
  ["prompt {}", "/v1/completions", '{"model":"tiny","prompt":{}}', "prompt"],
  ["input 7", "/v1/responses", '{"model":"tiny","input":7}', "input"],
];

describe("OpenAI routes at cortex", () => {
  it.each(openAiCases)("%s: 400 naming the field", async (_name, path, body, param) => {
    const response = await post(path, body);
    const text = await response.text();
    expect(response.status, text.slice(0, 300)).toBe(400);
    const error = (JSON.parse(text) as { error: { type: string; param: string | null } }).error;
    expect(error.type).toBe("invalid_request_error");
    expect(error.param).toBe(param);
  });

  it("accepts a body that starts with a UTF-8 byte-order mark, and unknown fields", async () => {
    const response = await post(
      "/v1/chat/completions",
      `\uFEFF{"model":"tiny","max_tokens":2,${hi},"user":"u","vendor_extension":{"a":[1]}}`,
    );
    expect(response.status, await response.clone().text()).toBe(200);
  });
});

describe("Anthropic routes at cortex", () => {
  it.each([
    [
      "input_schema 5,000 deep",
      `{"model":"tiny","max_tokens":2,${hi},"tools":[{"name":"f","input_schema":${deepSchema(5000)}}]}`,
      "tools.0.input_schema",
    ],
    ["max_tokens 0", `{"model":"tiny","max_tokens":0,${hi}}`, "max_tokens"],
    [
      "10,000 messages",
      JSON.stringify({
        model: "tiny",
        max_tokens: 2,
        messages: Array(10_000).fill({ role: "user", content: "" }),
      }),
      "messages",
    ],
    [
      "a content block type nested 30,000 deep",
      `{"model":"tiny","max_tokens":2,"messages":[{"role":"user","content":[{"type":${"[".repeat(30_000)}${"]".repeat(30_000)}}]}]}`,
      "messages.0.content.0.type",
    ],
  ])("%s: 400 in Anthropic's envelope", async (_name, body, field) => {
    const response = await post("/v1/messages", body);
    const text = await response.text();
    expect(response.status, text.slice(0, 300)).toBe(400);
    const parsed = JSON.parse(text) as { type: string; error: { type: string; message: string } };
    expect(parsed.type).toBe("error");
    expect(parsed.error.type).toBe("invalid_request_error");
    expect(parsed.error.message).toContain(field);
  });

  it("accepts a byte-order mark on /v1/messages too", async () => {
    const response = await post("/v1/messages", `\uFEFF{"model":"tiny","max_tokens":2,${hi}}`);
    expect(response.status, await response.clone().text()).toBe(200);
  });
});

/** A chunked upload of up to `totalBytes`, written as fast as cortex reads; resolves at the reply. */
function chunkedUpload(path: string, totalBytes: number, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; connection: unknown; body: string; written: number }>(
    (resolve, reject) => {
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let written = 0;
      let answered = false;
      const request = httpRequest(`${server.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
      });
      request.on("response", (response) => {
        answered = true;
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (data: string) => {
          body += data;
        });
        response.on("end", () => {
          resolve({
            status: response.statusCode ?? 0,
            connection: response.headers.connection,
            body,
            written,
          });
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

describe("body limit while reading", () => {
  it.each([
    ["the direct proxy path", "/v1/chat/completions", {}],
    ["the app (a browser's request)", "/v1/chat/completions", { origin: "http://localhost" }],
    ["the Anthropic route", "/v1/messages", {}],
  ])("%s stops a chunked upload at the limit: 413, connection closed", async (_name, path, headers) => {
    const total = 256 * 1024 * 1024;
    const reply = await chunkedUpload(path, total, headers);
    expect(reply.status).toBe(413);
    expect(reply.connection).toBe("close");
    expect(reply.body).toContain("exceeds the limit");
    expect(reply.written).toBeLessThan(total / 4);
  });
});
