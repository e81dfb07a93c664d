import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeTinyModel } from "@helexa/tiny-model";
import { getLlama, type Llama, LlamaCompletion, type LlamaModel } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningNeuron } from "../start-neuron.js";
import { postJson } from "../test-support/post-json.js";
import { readSse, sseData } from "../test-support/read-sse.js";
import { startTestNeuron } from "../test-support/start-test-neuron.js";
import { testConfig } from "../test-support/test-config.js";
import { tinyModelFile } from "../test-support/tiny-model-file.js";

// /v1/completions' prompt forms on the real tiny model: fill-in-the-middle (`suffix`), `echo`, token ids.
// "tiny" has FIM tokens; "plain" is the same model without them.
let neuron: RunningNeuron;
let directory = "";
let llama: Llama;
let model: LlamaModel;

interface TextCompletion {
  choices: Array<{ text: string; index: number; finish_reason: string }>;
  usage: { prompt_tokens: number; completion_tokens: number };
}
type Chunk = { choices: Array<{ text: string; index: number; finish_reason: string | null }> } | "[DONE]";

async function complete(body: Record<string, unknown>): Promise<TextCompletion> {
  const response = await postJson(`${neuron.url}/v1/completions`, { model: "tiny", temperature: 0, ...body });
  expect(response.status).toBe(200);
  return (await response.json()) as TextCompletion;
}

async function streamText(body: Record<string, unknown>): Promise<{ chunks: Chunk[]; text: string }> {
  const response = await postJson(`${neuron.url}/v1/completions`, {
    model: "tiny",
    temperature: 0,
    stream: true,
    ...body,
  });
  expect(response.status).toBe(200);
  const chunks = sseData(await readSse(response)) as Chunk[];
  const text = chunks.map((chunk) => (chunk === "[DONE]" ? "" : (chunk.choices[0]?.text ?? ""))).join("");
  return { chunks, text };
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "completions-prompts-"));
  const path = await tinyModelFile();
  const plain = (await writeTinyModel(join(directory, "plain.gguf"), { fillInTheMiddle: false })).path;
  neuron = await startTestNeuron(
    testConfig([
      { id: "tiny", path, context_size: 2048, sequences: 2, preload: true },
      { id: "plain", path: plain, context_size: 512, sequences: 1, preload: true },
    ]),
  );
  llama = await getLlama({ gpu: false, build: "never", maxThreads: 1 });
  model = await llama.loadModel({ modelPath: path });
});

afterAll(async () => {
  await neuron?.close();
  await model?.dispose();
  await llama?.dispose();
  await rm(directory, { recursive: true, force: true });
});

describe("fill-in-the-middle (suffix)", () => {
  const prefix = "def add(a, b):\n    return";
  const suffix = "\n\nprint(add(1, 2))\n";

  it("generates what node-llama-cpp's infill generates, counting the whole infill prompt", async () => {
    const reply = await complete({ prompt: prefix, suffix, max_tokens: 8 });
    const context = await model.createContext({ contextSize: 512, threads: 1 });
    const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
    const expected = await completion.generateInfillCompletion(prefix, suffix, {
      temperature: 0,
      repeatPenalty: false,
      maxTokens: 8,
    });
    await context.dispose();
    expect(reply.choices[0]?.text).toBe(expected);
    // <fim_prefix> prefix <fim_suffix> suffix <fim_middle>: both texts plus the three FIM tokens.
    const alone = async (prompt: string) => (await complete({ prompt, max_tokens: 1 })).usage.prompt_tokens;
    expect(reply.usage.prompt_tokens).toBe((await alone(prefix)) + (await alone(suffix)) + 3);
    expect(reply.usage.completion_tokens).toBe(8);
    // Not the same as completing the prefix alone: the suffix is read.
    expect((await complete({ prompt: prefix, max_tokens: 8 })).choices[0]?.text).not.toBe(expected);
  });

  it("streams the same infill", async () => {
    const whole = await complete({ prompt: prefix, suffix, max_tokens: 8 });
    expect((await streamText({ prompt: prefix, suffix, max_tokens: 8 })).text).toBe(whole.choices[0]?.text);
  });

  it("refuses a suffix on a model without fill-in-the-middle tokens, naming suffix", async () => {
    for (const stream of [false, true]) {
      const response = await postJson(`${neuron.url}/v1/completions`, {
        model: "plain",
        prompt: prefix,
        suffix,
        stream,
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { message: string; type: string; param: string } };
      expect(body.error).toMatchObject({ type: "invalid_request_error", param: "suffix" });
      expect(body.error.message).toMatch(/no fill-in-the-middle tokens/);
    }
  });

  it("treats an empty or null suffix as a plain completion", async () => {
    const plain = await complete({ prompt: prefix, max_tokens: 4 });
    expect(await complete({ prompt: prefix, suffix: "", max_tokens: 4 })).toMatchObject({
      choices: plain.choices,
    });
    expect(await complete({ model: "plain", prompt: prefix, suffix: null, max_tokens: 4 })).toBeDefined();
  });
});

describe("echo", () => {
  const prompt = "Once upon a time";

  it("puts the prompt before the completion, and in the first chunk of a stream", async () => {
    const plain = await complete({ prompt, max_tokens: 6 });
    const echoed = await complete({ prompt, max_tokens: 6, echo: true });
    expect(echoed.choices[0]?.text).toBe(prompt + plain.choices[0]?.text);
    expect(echoed.usage).toMatchObject({
      prompt_tokens: plain.usage.prompt_tokens,
      completion_tokens: plain.usage.completion_tokens,
    });
    const { chunks, text } = await streamText({ prompt, max_tokens: 6, echo: true });
    const first = chunks[0];
    expect(first !== "[DONE]" && first?.choices[0]?.text.startsWith(prompt)).toBe(true);
    expect(text).toBe(echoed.choices[0]?.text);
  });

  it("refuses echo with a suffix or with logprobs, naming echo", async () => {
    for (const extra of [{ suffix: "x" }, { logprobs: 1 }]) {
      const response = await postJson(`${neuron.url}/v1/completions`, {
        model: "tiny",
        prompt,
        echo: true,
        ...extra,
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { param: string } }).error.param).toBe("echo");
    }
  });
});

describe("token-id and array prompts", () => {
  const prompt = "Once upon a time";

  it("completes token ids as it completes their text, and echoes their text", async () => {
    const ids = Array.from(model.tokenize(prompt));
    const fromText = await complete({ prompt, max_tokens: 6 });
    const fromIds = await complete({ prompt: ids, max_tokens: 6 });
    expect(fromIds.choices).toEqual(fromText.choices);
    expect(fromIds.usage.prompt_tokens).toBe(fromText.usage.prompt_tokens);
    expect((await complete({ prompt: [ids], max_tokens: 6 })).choices).toEqual(fromText.choices);
    expect((await complete({ prompt: ids, max_tokens: 6, echo: true })).choices[0]?.text).toBe(
      prompt + fromText.choices[0]?.text,
    );
  });

  it("takes a one-string array as its string", async () => {
    const fromText = await complete({ prompt, max_tokens: 6 });
    expect((await complete({ prompt: [prompt], max_tokens: 6 })).choices).toEqual(fromText.choices);
  });

  it("answers a batch with one choice per prompt, in order, usage summed over the prompts", async () => {
    const other = "Hello there";
    const first = await complete({ prompt, max_tokens: 6 });
    const second = await complete({ prompt: other, max_tokens: 6 });
    const batch = await complete({ prompt: [prompt, other], max_tokens: 6 });
    expect(batch.choices).toEqual([
      { ...first.choices[0], index: 0 },
      { ...second.choices[0], index: 1 },
    ]);
    expect(batch.usage).toMatchObject({
      prompt_tokens: first.usage.prompt_tokens + second.usage.prompt_tokens,
      completion_tokens: first.usage.completion_tokens + second.usage.completion_tokens,
    });
    const ids = [Array.from(model.tokenize(prompt)), Array.from(model.tokenize(other))];
    expect((await complete({ prompt: ids, max_tokens: 6 })).choices).toEqual(batch.choices);
    const echoed = await complete({ prompt: [prompt, other], max_tokens: 6, echo: true });
    expect(echoed.choices.map((choice) => choice.text)).toEqual([
      prompt + first.choices[0]?.text,
      other + second.choices[0]?.text,
    ]);
  });

  it("streams a batch's choices by index, with the summed usage at the end", async () => {
    const other = "Hello there";
    const whole = await complete({ prompt: [prompt, other], max_tokens: 6 });
    const { chunks } = await streamText({
      prompt: [prompt, other],
      max_tokens: 6,
      stream_options: { include_usage: true },
    });
    const texts = ["", ""];
    for (const chunk of chunks) {
      if (chunk === "[DONE]") continue;
      for (const choice of chunk.choices) texts[choice.index] += choice.text;
    }
    expect(texts).toEqual(whole.choices.map((choice) => choice.text));
    const usage = chunks.at(-2) as unknown as { usage: TextCompletion["usage"] };
    expect(usage.usage).toMatchObject({
      prompt_tokens: whole.usage.prompt_tokens,
      completion_tokens: whole.usage.completion_tokens,
    });
  });

  it("refuses a batch with more choices than the model has sequences, naming prompt", async () => {
    for (const body of [{ prompt: ["a", "b", "c"] }, { prompt: ["a", "b"], n: 2 }]) {
      const response = await postJson(`${neuron.url}/v1/completions`, { model: "tiny", ...body });
      expect(response.status).toBe(400);
      const error = ((await response.json()) as { error: { param: string; message: string } }).error;
      expect(error.param).toBe("prompt");
      expect(error.message).toMatch(/at most 2/);
    }
  });

  it("refuses token ids outside the vocabulary and malformed arrays, naming prompt", async () => {
    for (const bad of [[1, 2, 99_999], [[1], [-1]], [1.5], [], [[]], ["a", 1]]) {
      const response = await postJson(`${neuron.url}/v1/completions`, { model: "tiny", prompt: bad });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { param: string } }).error.param).toMatch(/^prompt/);
    }
  });
});
