import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningNeuron } from "../start-neuron.js";
import { postJson } from "../test-support/post-json.js";
import { readSse, sseData } from "../test-support/read-sse.js";
import { startTestNeuron } from "../test-support/start-test-neuron.js";
import { testConfig } from "../test-support/test-config.js";
import { tinyModelFile } from "../test-support/tiny-model-file.js";

// Real inference on the generated tiny model, through a forked worker, over HTTP: logprobs, logit_bias, n.
let neuron: RunningNeuron;
const messages = [{ role: "user", content: "Say something." }];

interface LogprobItem {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: Array<{ token: string; logprob: number; bytes: number[] }>;
}

interface ChatReply {
  choices: Array<{
    index: number;
    message: { content: string };
    logprobs: { content: LogprobItem[]; refusal: null } | null;
    finish_reason: string;
  }>;
  usage: { prompt_tokens: number; completion_tokens: number };
}

async function post(path: string, body: Record<string, unknown>) {
  return postJson(`${neuron.url}${path}`, { model: "tiny", ...body });
}

async function chat(body: Record<string, unknown>): Promise<ChatReply> {
  const response = await post("/v1/chat/completions", { messages, temperature: 0, max_tokens: 10, ...body });
  expect(response.status).toBe(200);
  return (await response.json()) as ChatReply;
}

/** Real logprobs: ≤ 0, alternatives best first, and under greedy decoding the chosen token heads them. */
function expectGreedyLogprobs(items: LogprobItem[], top: number) {
  expect(items.length).toBeGreaterThan(0);
  for (const item of items) {
    expect(item.logprob).toBeLessThanOrEqual(0);
    expect(item.bytes).toEqual([...Buffer.from(item.token, "utf8")]);
    expect(item.top_logprobs).toHaveLength(top);
    const values = item.top_logprobs.map((alternative) => alternative.logprob);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    if (top > 0)
      expect(item.top_logprobs[0]).toEqual({ token: item.token, logprob: item.logprob, bytes: item.bytes });
  }
}

beforeAll(async () => {
  const path = await tinyModelFile();
  neuron = await startTestNeuron(
    testConfig([{ id: "tiny", path, context_size: 2048, sequences: 2, preload: true }]),
  );
});

afterAll(async () => {
  await neuron?.close();
});

describe("logprobs", () => {
  it("chat: logprobs true with top_logprobs gives each content token, plain and streamed alike", async () => {
    const plain = await chat({ logprobs: true, top_logprobs: 3 });
    const choice = plain.choices[0];
    const items = choice?.logprobs?.content ?? [];
    expectGreedyLogprobs(items, 3);
    expect(items.map((item) => item.token).join("")).toBe(choice?.message.content);
    expect(items).toHaveLength(plain.usage.completion_tokens);

    const response = await post("/v1/chat/completions", {
      messages,
      temperature: 0,
      max_tokens: 10,
      logprobs: true,
      top_logprobs: 3,
      stream: true,
    });
    const chunks = sseData(await readSse(response)).filter((chunk) => chunk !== "[DONE]") as Array<{
      choices: Array<{ delta: { content?: string }; logprobs: { content: LogprobItem[] } | null }>;
    }>;
    const streamed = chunks.flatMap((chunk) => chunk.choices[0]?.logprobs?.content ?? []);
    // The same tokens; the values agree to float precision (another batch layout may change the last bits).
    expect(streamed.map((item) => item.token)).toEqual(items.map((item) => item.token));
    for (const [index, item] of streamed.entries())
      expect(item.logprob).toBeCloseTo(items[index]?.logprob ?? 1, 4);
    for (const chunk of chunks) {
      const content = chunk.choices[0]?.delta.content;
      if (content !== undefined && content !== "")
        expect(chunk.choices[0]?.logprobs?.content.map((item) => item.token).join("")).toBe(content);
    }
  });

  it("chat: without logprobs the choice's logprobs stay null", async () => {
    expect((await chat({})).choices[0]?.logprobs).toBeNull();
  });

  it("completions: logprobs N gives tokens, token_logprobs, N alternatives and text offsets from the prompt's end", async () => {
    const prompt = "Once upon a time";
    const response = await post("/v1/completions", { prompt, temperature: 0, max_tokens: 8, logprobs: 2 });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      choices: Array<{
        text: string;
        logprobs: {
          tokens: string[];
          token_logprobs: number[];
          top_logprobs: Array<Record<string, number>>;
          text_offset: number[];
        };
      }>;
    };
    const choice = body.choices[0];
    const logprobs = choice?.logprobs;
    expect(logprobs?.tokens.join("")).toBe(choice?.text);
    expect(logprobs?.token_logprobs).toHaveLength(logprobs?.tokens.length ?? -1);
    for (const value of logprobs?.token_logprobs ?? []) expect(value).toBeLessThanOrEqual(0);
    for (const [index, alternatives] of (logprobs?.top_logprobs ?? []).entries()) {
      expect(Object.keys(alternatives).length).toBeGreaterThan(0);
      expect(Object.keys(alternatives).length).toBeLessThanOrEqual(2);
      expect(alternatives[logprobs?.tokens[index] as string]).toBe(logprobs?.token_logprobs[index]);
    }
    expect(logprobs?.text_offset[0]).toBe(prompt.length);

    const streamed = await post("/v1/completions", {
      prompt,
      temperature: 0,
      max_tokens: 8,
      logprobs: 2,
      stream: true,
    });
    const chunks = sseData(await readSse(streamed)).filter((chunk) => chunk !== "[DONE]") as Array<{
      choices: Array<{ logprobs: { tokens: string[]; text_offset: number[] } | null }>;
    }>;
    const tokens = chunks.flatMap((chunk) => chunk.choices[0]?.logprobs?.tokens ?? []);
    const offsets = chunks.flatMap((chunk) => chunk.choices[0]?.logprobs?.text_offset ?? []);
    expect(tokens).toEqual(logprobs?.tokens);
    expect(offsets).toEqual(logprobs?.text_offset);
  });

  it("responses: include message.output_text.logprobs fills the output_text part and each text delta", async () => {
    const request = {
      input: "Say something.",
      temperature: 0,
      max_output_tokens: 8,
      include: ["message.output_text.logprobs"],
      top_logprobs: 2,
    };
    const response = await post("/v1/responses", request);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      output: Array<{ type: string; content: Array<{ text: string; logprobs: LogprobItem[] }> }>;
    };
    const part = body.output.find((item) => item.type === "message")?.content[0];
    expectGreedyLogprobs(part?.logprobs ?? [], 2);
    expect(part?.logprobs.map((item) => item.token).join("")).toBe(part?.text);

    const streamed = await post("/v1/responses", { ...request, stream: true });
    const events = sseData(await readSse(streamed)) as Array<{
      type: string;
      delta?: string;
      logprobs?: LogprobItem[];
    }>;
    const deltas = events.filter((event) => event.type === "response.output_text.delta");
    expect(deltas.flatMap((event) => event.logprobs ?? [])).toEqual(part?.logprobs);
    const done = events.find((event) => event.type === "response.output_text.done");
    expect(done?.logprobs).toEqual(part?.logprobs);
  });

  it("refuses out-of-range counts, naming the field", async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ["/v1/chat/completions", { messages, logprobs: true, top_logprobs: 21 }, "top_logprobs"],
      ["/v1/chat/completions", { messages, top_logprobs: 2 }, "top_logprobs"],
      ["/v1/completions", { prompt: "x", logprobs: 6 }, "logprobs"],
      [
        "/v1/responses",
        { input: "x", include: ["message.output_text.logprobs"], top_logprobs: -1 },
        "top_logprobs",
      ],
    ];
    for (const [path, body, param] of cases) {
      const response = await post(path, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { type: "invalid_request_error", param } });
    }
  });
});

describe("logit_bias", () => {
  it("banning the token greedy decoding picks first changes the answer and never emits it", async () => {
    const plain = await chat({ logprobs: true });
    const first = plain.choices[0]?.logprobs?.content[0]?.token ?? "";
    // The tiny model's vocabulary starts with one token per byte, its id the byte's value.
    expect(first).toHaveLength(1);
    const banned = await chat({ logprobs: true, logit_bias: { [String(first.charCodeAt(0))]: -100 } });
    expect(banned.choices[0]?.message.content).not.toBe(plain.choices[0]?.message.content);
    expect(banned.choices[0]?.logprobs?.content.map((item) => item.token)).not.toContain(first);
  });

  it("refuses biases out of -100..100, keys that are not token ids and ids beyond the vocabulary", async () => {
    for (const bias of [{ "5": 101 }, { abc: 1 }, { "999999": 1 }]) {
      const response = await post("/v1/chat/completions", { messages, max_tokens: 2, logit_bias: bias });
      expect([JSON.stringify(bias), response.status]).toEqual([JSON.stringify(bias), 400]);
      const body = (await response.json()) as { error: { param: string; type: string } };
      expect(body.error.type).toBe("invalid_request_error");
      expect(body.error.param).toMatch(/^logit_bias/);
    }
  });
});

describe("n", () => {
  it("chat: n choices, indexed 0..n-1, usage summing their completions", async () => {
    const reply = await chat({ n: 2, temperature: 0.9, seed: 7, max_tokens: 6 });
    expect(reply.choices.map((choice) => choice.index)).toEqual([0, 1]);
    for (const choice of reply.choices) expect(choice.message.content.length).toBeGreaterThan(0);
    // Greedy choices are identical; each counts its own tokens.
    const greedy = await chat({ n: 2, max_tokens: 6 });
    expect(greedy.choices[0]?.message.content).toBe(greedy.choices[1]?.message.content);
    const single = await chat({ max_tokens: 6 });
    expect(greedy.usage.completion_tokens).toBe(2 * single.usage.completion_tokens);
    expect(greedy.usage.prompt_tokens).toBe(single.usage.prompt_tokens);
  });

  it("chat streamed: chunks carry their choice's index, each choice finishes, usage comes once after both", async () => {
    const response = await post("/v1/chat/completions", {
      messages,
      n: 2,
      max_tokens: 6,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = sseData(await readSse(response)).filter((chunk) => chunk !== "[DONE]") as Array<{
      choices: Array<{ index: number; delta: { content?: string }; finish_reason: string | null }>;
      usage: { completion_tokens: number } | null;
    }>;
    const text = ["", ""];
    const finished: number[] = [];
    for (const chunk of chunks) {
      const choice = chunk.choices[0];
      if (choice === undefined) continue;
      text[choice.index] += choice.delta.content ?? "";
      if (choice.finish_reason !== null) finished.push(choice.index);
    }
    expect(finished.sort()).toEqual([0, 1]);
    const single = await chat({ max_tokens: 6 });
    expect(text).toEqual([single.choices[0]?.message.content, single.choices[0]?.message.content]);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { completion_tokens: 2 * single.usage.completion_tokens },
    });
  });

  it("completions: n choices", async () => {
    const response = await post("/v1/completions", { prompt: "Once", n: 2, max_tokens: 4, temperature: 0 });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: Array<{ index: number; text: string }> };
    expect(body.choices.map((choice) => choice.index)).toEqual([0, 1]);
    expect(body.choices[0]?.text).toBe(body.choices[1]?.text);
  });

  it("refuses n beyond the model's sequences with 400 naming n and the limit", async () => {
    for (const path of ["/v1/chat/completions", "/v1/completions"]) {
      const response = await post(path, { messages, prompt: "x", n: 3, max_tokens: 2 });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { param: string; message: string } };
      expect(body.error.param).toBe("n");
      expect(body.error.message).toContain("2");
    }
  });
});
