import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningNeuron } from "../start-neuron.js";
import { postJson } from "../test-support/post-json.js";
import { startTestNeuron } from "../test-support/start-test-neuron.js";
import { testConfig } from "../test-support/test-config.js";
import { tinyModelFile } from "../test-support/tiny-model-file.js";

// Wrong types, ranges and shapes are 400s naming the field, never a 500 and never a worker exit.
let neuron: RunningNeuron;
let workerPid: number;

async function currentWorkerPid(): Promise<number> {
  const models = (await (await fetch(`${neuron.url}/models`)).json()) as Array<{
    id: string;
    worker_pid?: number;
  }>;
  const pid = models.find((model) => model.id === "tiny")?.worker_pid;
  if (pid === undefined) throw new Error("tiny has no worker");
  return pid;
}

beforeAll(async () => {
  const path = await tinyModelFile();
  neuron = await startTestNeuron(
    testConfig([{ id: "tiny", path, context_size: 1024, sequences: 2, preload: true }]),
  );
  workerPid = await currentWorkerPid();
});

afterAll(async () => {
  await neuron?.close();
});

/** A JSON object `depth` levels deep, as text (JSON.stringify itself would overflow the stack). */
function deepSchemaText(depth: number): string {
  return `${'{"type":"object","properties":{"a":'.repeat(depth)}{"type":"string"}${"}}".repeat(depth)}`;
}

const chat = { model: "tiny", messages: [{ role: "user", content: "hi" }], max_tokens: 2 };
const responses = { model: "tiny", input: "hi", max_output_tokens: 2 };

const refused: Array<[name: string, path: string, body: unknown, param: string]> = [
  ["responses repeat_penalty {}", "/v1/responses", { ...responses, repeat_penalty: {} }, "repeat_penalty"],
  ["responses stop 5", "/v1/responses", { ...responses, stop: 5 }, "stop"],
  ["responses stop [1]", "/v1/responses", { ...responses, stop: [1] }, "stop[0]"],
  [
    "responses presence_penalty 'x'",
    "/v1/responses",
    { ...responses, presence_penalty: "x" },
    "presence_penalty",
  ],
  ["responses n 2", "/v1/responses", { ...responses, n: 2 }, "n"],
  ["chat repeat_penalty []", "/v1/chat/completions", { ...chat, repeat_penalty: [] }, "repeat_penalty"],
  ["chat top_k 1e12", "/v1/chat/completions", { ...chat, top_k: 1e12 }, "top_k"],
  ["chat max_tokens -1", "/v1/chat/completions", { ...chat, max_tokens: -1 }, "max_tokens"],
  ["chat seed 1.5", "/v1/chat/completions", { ...chat, seed: 1.5 }, "seed"],
  ["completions stop {}", "/v1/completions", { model: "tiny", prompt: "hi", stop: {} }, "stop"],
  [
    "chat messages over the bound",
    "/v1/chat/completions",
    { ...chat, messages: Array.from({ length: 10_000 }, () => ({ role: "user", content: "" })) },
    "messages",
  ],
  [
    "responses input items over the bound",
    "/v1/responses",
    { ...responses, input: Array.from({ length: 10_000 }, () => ({ role: "user", content: "" })) },
    "input",
  ],
  [
    "tokenize messages over the bound",
    "/v1/tokenize",
    { model: "tiny", messages: Array.from({ length: 10_000 }, () => ({ role: "user", content: "" })) },
    "messages",
  ],
];

describe("request fields are validated where they enter", () => {
  it.each(refused)("%s is a 400 naming the field", async (_name, path, body, param) => {
    const response = await postJson(`${neuron.url}${path}`, body);
    const text = await response.text();
    expect(response.status, text).toBe(400);
    const error = (JSON.parse(text) as { error: { type: string; param: string | null } }).error;
    expect(error.type).toBe("invalid_request_error");
    expect(error.param).toBe(param);
    expect(text).not.toMatch(/is not iterable|TypeError|\.ts:|node_modules/);
  });

  it.each([
    ["tool parameters 5,000 deep", "/v1/chat/completions", "tools[0].function.parameters", 5_000],
    [
      "response_format schema 100,000 deep",
      "/v1/chat/completions",
      "response_format.json_schema.schema",
      100_000,
    ],
    ["Responses tool parameters 5,000 deep", "/v1/responses", "tools[0].parameters", 5_000],
  ])("%s is a 400 naming the field", async (_name, path, param, depth) => {
    const schema = deepSchemaText(depth);
    const extra =
      param === "tools[0].function.parameters"
        ? `"tools":[{"type":"function","function":{"name":"f","parameters":${schema}}}]`
        : param === "tools[0].parameters"
          ? `"tools":[{"type":"function","name":"f","parameters":${schema}}]`
          : `"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":${schema}}}`;
    const base = path === "/v1/responses" ? '"input":"hi"' : '"messages":[{"role":"user","content":"hi"}]';
    const response = await fetch(`${neuron.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"model":"tiny","max_tokens":2,${base},${extra}}`,
    });
    const text = await response.text();
    expect(response.status, text.slice(0, 300)).toBe(400);
    expect((JSON.parse(text) as { error: { param: string } }).error.param).toBe(param);
  });

  it("accepts unknown extra fields and a body that starts with a UTF-8 byte-order mark", async () => {
    const response = await fetch(`${neuron.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `\uFEFF${JSON.stringify({ ...chat, some_vendor_field: { nested: [1, 2] }, user: "u1" })}`,
    });
    expect(response.status, await response.clone().text()).toBe(200);
  });

  it("kept the same worker through all of it", async () => {
    expect(await currentWorkerPid()).toBe(workerPid);
  });
});
