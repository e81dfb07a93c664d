import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeTinyModel } from "@helexa/tiny-model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningNeuron } from "../start-neuron.js";
import { postJson } from "../test-support/post-json.js";
import { readSse, sseData } from "../test-support/read-sse.js";
import { startTestNeuron } from "../test-support/start-test-neuron.js";
import { testConfig } from "../test-support/test-config.js";
import { tinyModelFile } from "../test-support/tiny-model-file.js";

// llama.cpp's POST /infill on the real tiny model ("tiny" has FIM tokens, "plain" is the same model without).
let neuron: RunningNeuron;
let directory = "";

interface InfillReply {
  index: number;
  content: string;
  stop: boolean;
  model: string;
  tokens_predicted: number;
  tokens_evaluated: number;
  stop_type: string;
  stopping_word: string;
  truncated: boolean;
  usage: { prompt_tokens: number; completion_tokens: number };
}

const prefix = "def add(a, b):\n    return";
const suffix = "\n\nprint(add(1, 2))\n";

async function infill(body: Record<string, unknown>): Promise<InfillReply> {
  const response = await postJson(`${neuron.url}/infill`, { model: "tiny", temperature: 0, ...body });
  expect(response.status).toBe(200);
  return (await response.json()) as InfillReply;
}

async function tokens(prompt: string): Promise<number> {
  const response = await postJson(`${neuron.url}/v1/tokenize`, { model: "tiny", prompt });
  return ((await response.json()) as { tokens: number }).tokens;
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "infill-"));
  const path = await tinyModelFile();
  const plain = (await writeTinyModel(join(directory, "plain.gguf"), { fillInTheMiddle: false })).path;
  neuron = await startTestNeuron(
    testConfig([
      { id: "tiny", path, context_size: 2048, sequences: 2, preload: true },
      { id: "plain", path: plain, context_size: 2048, sequences: 1, preload: true },
    ]),
  );
});

afterAll(async () => {
  await neuron?.close();
  await rm(directory, { recursive: true, force: true });
});

describe("POST /infill", () => {
  it("fills the middle as /v1/completions with a suffix does, in llama.cpp's reply shape", async () => {
    const reply = await infill({ input_prefix: prefix, input_suffix: suffix, n_predict: 8 });
    const completion = (await (
      await postJson(`${neuron.url}/v1/completions`, {
        model: "tiny",
        prompt: prefix,
        suffix,
        temperature: 0,
        max_tokens: 8,
      })
    ).json()) as { choices: Array<{ text: string }>; usage: { prompt_tokens: number } };
    expect(reply).toMatchObject({
      index: 0,
      content: completion.choices[0]?.text,
      stop: true,
      model: "tiny",
      tokens_predicted: 8,
      tokens_evaluated: completion.usage.prompt_tokens,
      stop_type: "limit",
      stopping_word: "",
      truncated: false,
      usage: { prompt_tokens: completion.usage.prompt_tokens, completion_tokens: 8 },
    });
    // The three FIM tokens around both texts.
    expect(reply.tokens_evaluated).toBe((await tokens(prefix)) + (await tokens(suffix)) + 3);
  });

  it("counts input_extra chunks and the middle's start (prompt) in the prompt", async () => {
    const base = await infill({ input_prefix: prefix, input_suffix: suffix, n_predict: 1 });
    const extra = "const x = 1;";
    const middle = " a";
    const reply = await infill({
      input_prefix: prefix,
      input_suffix: suffix,
      input_extra: [{ filename: "x.ts", text: extra }],
      prompt: middle,
      n_predict: 1,
    });
    const separator = await tokens("\n\n--- snippet ---\n\n");
    expect(reply.tokens_evaluated).toBe(
      base.tokens_evaluated + separator + (await tokens(extra)) + (await tokens(middle)),
    );
  });

  it("streams llama.cpp's chunks: content pieces with stop false, then one stop object, no [DONE]", async () => {
    const whole = await infill({ input_prefix: prefix, input_suffix: suffix, n_predict: 8 });
    const response = await postJson(`${neuron.url}/infill`, {
      model: "tiny",
      temperature: 0,
      input_prefix: prefix,
      input_suffix: suffix,
      n_predict: 8,
      stream: true,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const chunks = sseData(await readSse(response)) as Array<Partial<InfillReply> | "[DONE]">;
    expect(chunks).not.toContain("[DONE]");
    const last = chunks.at(-1) as Partial<InfillReply>;
    expect(last).toMatchObject({ stop: true, tokens_predicted: 8, tokens_evaluated: whole.tokens_evaluated });
    const pieces = chunks.slice(0, -1) as Array<Partial<InfillReply>>;
    expect(pieces.length).toBeGreaterThan(0);
    for (const piece of pieces) expect(piece.stop).toBe(false);
    expect(pieces.map((piece) => piece.content).join("")).toBe(whole.content);
  });

  it("ends at a stop string with stop_type word, and n_predict 0 generates at most one token", async () => {
    const whole = await infill({ input_prefix: prefix, input_suffix: suffix, n_predict: 12 });
    const word = whole.content.slice(3, 5);
    const cut = await infill({ input_prefix: prefix, input_suffix: suffix, n_predict: 12, stop: [word] });
    expect(cut).toMatchObject({ stop_type: "word", stopping_word: word });
    expect((await infill({ input_prefix: prefix, n_predict: 0 })).tokens_predicted).toBeLessThanOrEqual(1);
  });

  it("refuses a model without fill-in-the-middle tokens, naming input_suffix", async () => {
    const response = await postJson(`${neuron.url}/infill`, {
      model: "plain",
      input_prefix: prefix,
      input_suffix: suffix,
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string; param: string } };
    expect(body.error.param).toBe("input_suffix");
    expect(body.error.message).toMatch(/no fill-in-the-middle tokens/);
  });

  it("refuses malformed fields with a 400 naming them", async () => {
    for (const [extra, param] of [
      [{ input_extra: "x" }, "input_extra"],
      [{ input_extra: [{ filename: "a" }] }, "input_extra"],
      [{ n_predict: -2 }, "n_predict"],
      [{ input_prefix: 5 }, "input_prefix"],
      [{ model: "" }, "model"],
    ] as const) {
      const response = await postJson(`${neuron.url}/infill`, {
        model: "tiny",
        input_prefix: prefix,
        ...extra,
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { param: string | null } };
      expect(body.error.param ?? "").toMatch(new RegExp(`^${param}`));
    }
  });
});
