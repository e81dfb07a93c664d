import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningNeuron } from "../start-neuron.js";
import { postJson } from "../test-support/post-json.js";
import { consumeSse, readSse, sseData } from "../test-support/read-sse.js";
import { startTestNeuron } from "../test-support/start-test-neuron.js";
import { testConfig } from "../test-support/test-config.js";
import { tinyModelFile } from "../test-support/tiny-model-file.js";

// Real inference on the generated tiny model, through forked workers, over HTTP.
let neuron: RunningNeuron;
const messages = [
  { role: "system", content: "You are terse." },
  { role: "user", content: "Say something." },
];

interface ChatCompletion {
  id: string;
  object: string;
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: {
      role: string;
      content: string | null;
      tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
    };
    finish_reason: string;
    stop_reason?: string | null;
  }>;
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    prompt_tokens_details: { cached_tokens: number };
  };
}

async function chat(body: Record<string, unknown>): Promise<ChatCompletion> {
  const response = await postJson(`${neuron.url}/v1/chat/completions`, { model: "tiny", messages, ...body });
  expect(response.status).toBe(200);
  return (await response.json()) as ChatCompletion;
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

describe("chat completions", () => {
  it("answers greedily and deterministically with the OpenAI shape", async () => {
    const first = await chat({ temperature: 0, max_tokens: 24 });
    const second = await chat({ temperature: 0, max_tokens: 24 });
    expect(first.id).toMatch(/^chatcmpl-/);
    expect(first.object).toBe("chat.completion");
    expect(first.model).toBe("tiny");
    expect(first.choices[0]?.index).toBe(0);
    expect(first.choices[0]?.message.role).toBe("assistant");
    expect(first.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(second.choices[0]?.message.content).toBe(first.choices[0]?.message.content);
    expect(first.choices[0]?.finish_reason).toBe("length");
    expect(first.usage.completion_tokens).toBe(24);
    expect(first.usage.total_tokens).toBe(first.usage.prompt_tokens + 24);
    // The second identical prompt reuses the first one's KV state.
    expect(second.usage.prompt_tokens_details.cached_tokens).toBeGreaterThan(0);
  });

  it("gives parallel requests, one joining while the other generates, the text each gets alone", async () => {
    const alone = await chat({ temperature: 0, max_tokens: 200 });
    const first = chat({ temperature: 0, max_tokens: 200 });
    // The second request arrives after the first one's tokens started (its sequence joins the batches).
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = chat({ temperature: 0, max_tokens: 200 });
    const both = await Promise.all([first, second]);
    for (const answer of both) {
      expect(answer.choices[0]?.message.content).toBe(alone.choices[0]?.message.content);
      expect(answer.usage.completion_tokens).toBe(alone.usage.completion_tokens);
    }
  });

  it("lets a request that arrives while another generates in at once, not after it", async () => {
    // Events, not time: the short request must finish while the long one still streams. The long one is
    // then cancelled, so the test never waits for its 1,500 tokens (a minute on a loaded 2-core host).
    let longEnded = false;
    let started: () => void = () => {};
    const firstToken = new Promise<void>((resolve) => {
      started = resolve;
    });
    const cancel = new AbortController();
    const long = postJson(
      `${neuron.url}/v1/chat/completions`,
      { model: "tiny", messages, temperature: 0, max_tokens: 1500, stream: true },
      { signal: cancel.signal },
    )
      .then((response) =>
        consumeSse(response, (event) => {
          if (event.data?.includes('"content"')) started();
        }),
      )
      .then(
        () => {
          longEnded = true;
        },
        () => undefined, // cancelled below
      );
    await firstToken;
    const short = await chat({ temperature: 0, max_tokens: 4 });
    expect(short.usage.completion_tokens).toBe(4);
    // It decoded beside the long one: had it waited for a free sequence, the long one would be over.
    expect(longEnded).toBe(false);
    cancel.abort();
    await long;
    // The join gate never holds anyone for good: the neuron still answers after the cancellation.
    expect((await chat({ temperature: 0, max_tokens: 2 })).usage.completion_tokens).toBe(2);
  });

  it("streams the same greedy text, then a finish chunk, usage and [DONE]", async () => {
    const reference = await chat({ temperature: 0, max_tokens: 24 });
    const response = await postJson(`${neuron.url}/v1/chat/completions`, {
      model: "tiny",
      messages,
      temperature: 0,
      max_tokens: 24,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const data = sseData(await readSse(response)) as Array<Record<string, unknown> | "[DONE]">;
    expect(data.at(-1)).toBe("[DONE]");
    const chunks = data.slice(0, -1) as Array<{
      id: string;
      object: string;
      choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>;
      usage?: { completion_tokens: number } | null;
    }>;
    expect(
      chunks.every((chunk) => chunk.object === "chat.completion.chunk" && chunk.id === chunks[0]?.id),
    ).toBe(true);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    const text = chunks
      .map((chunk) => (chunk.choices[0]?.delta.content as string | undefined) ?? "")
      .join("");
    expect(text).toBe(reference.choices[0]?.message.content);
    const finish = chunks.at(-2);
    expect(finish?.choices[0]?.finish_reason).toBe("length");
    const usage = chunks.at(-1);
    expect(usage?.choices).toEqual([]);
    expect(usage?.usage?.completion_tokens).toBe(24);
  });

  it("says the prompt's exact token count in x-helexa-prompt-tokens as the reply opens, streamed or not", async () => {
    const body = { model: "tiny", messages, temperature: 0, max_tokens: 4 };
    const whole = await postJson(`${neuron.url}/v1/chat/completions`, body);
    const counted = ((await whole.json()) as ChatCompletion).usage.prompt_tokens;
    expect(counted).toBeGreaterThan(0);
    expect(whole.headers.get("x-helexa-prompt-tokens")).toBe(String(counted));
    const streamed = await postJson(`${neuron.url}/v1/chat/completions`, {
      ...body,
      stream: true,
      stream_options: { include_usage: true },
    });
    // Headers come before any event: the count is known when the stream opens.
    expect(streamed.headers.get("x-helexa-prompt-tokens")).toBe(String(counted));
    const data = sseData(await readSse(streamed)) as Array<{ usage?: { prompt_tokens: number } | null }>;
    expect(data.at(-2)?.usage?.prompt_tokens).toBe(counted);
  });

  it("stops at a stop string and reports finish_reason stop", async () => {
    const full = (await chat({ temperature: 0, max_tokens: 40 })).choices[0]?.message.content ?? "";
    const stop = full.slice(12, 15);
    const expected = full.slice(0, full.indexOf(stop));
    const stopped = await chat({ temperature: 0, max_tokens: 40, stop: ["\u0000never", stop] });
    expect(stopped.choices[0]?.message.content).toBe(expected);
    expect(stopped.choices[0]?.finish_reason).toBe("stop");
    // vLLM-style: which stop string matched (cortex's Anthropic translation reads it).
    expect(stopped.choices[0]?.stop_reason).toBe(stop);
    const streamed = sseData(
      await readSse(
        await postJson(`${neuron.url}/v1/chat/completions`, {
          model: "tiny",
          messages,
          temperature: 0,
          max_tokens: 40,
          stop: [stop, "\u0000never"],
          stream: true,
        }),
      ),
    ) as Array<{ choices: Array<{ finish_reason: string | null; stop_reason?: string | null }> } | "[DONE]">;
    const finish = streamed.at(-2);
    expect(finish !== "[DONE]" && finish?.choices[0]).toMatchObject({
      finish_reason: "stop",
      stop_reason: stop,
    });
    const completion = (await (
      await postJson(`${neuron.url}/v1/completions`, {
        model: "tiny",
        prompt: "Once upon a time",
        temperature: 0,
        max_tokens: 40,
      })
    ).json()) as { choices: Array<{ text: string }> };
    const completionStop = (completion.choices[0]?.text ?? "").slice(8, 11);
    const cut = (await (
      await postJson(`${neuron.url}/v1/completions`, {
        model: "tiny",
        prompt: "Once upon a time",
        temperature: 0,
        max_tokens: 40,
        stop: completionStop,
      })
    ).json()) as { choices: Array<{ finish_reason: string; stop_reason?: string | null }> };
    expect(cut.choices[0]).toMatchObject({ finish_reason: "stop", stop_reason: completionStop });
  });

  it("reports no stop_reason when generation ends without a stop string", async () => {
    const result = await chat({ temperature: 0, max_tokens: 8 });
    expect(result.choices[0]?.finish_reason).toBe("length");
    expect(result.choices[0]?.stop_reason ?? null).toBeNull();
  });

  it("reproduces sampled output with the same seed and differs with another", async () => {
    const sampled = (seed: number) =>
      chat({ temperature: 1, top_k: 40, top_p: 0.95, min_p: 0.01, seed, max_tokens: 24 });
    const a = await sampled(42);
    const b = await sampled(42);
    const c = await sampled(7);
    expect(b.choices[0]?.message.content).toBe(a.choices[0]?.message.content);
    expect(c.choices[0]?.message.content).not.toBe(a.choices[0]?.message.content);
  });

  it("honours penalties without failing", async () => {
    const result = await chat({
      temperature: 0,
      max_tokens: 16,
      presence_penalty: 1,
      frequency_penalty: 0.5,
      repeat_penalty: 1.3,
    });
    expect(result.choices[0]?.finish_reason).toBe("length");
  });

  it("clamps max_tokens to the room left in the context and says length", async () => {
    const result = await chat({ temperature: 0, max_completion_tokens: 100_000 });
    expect(result.choices[0]?.finish_reason).toBe("length");
    expect(result.usage.completion_tokens).toBe(2048 - result.usage.prompt_tokens - 1);
  });

  it("produces JSON that parses and follows a json_schema", async () => {
    const schema = {
      type: "object",
      properties: { color: { enum: ["red", "green", "blue"] }, ok: { type: "boolean" } },
    };
    const result = await chat({
      temperature: 0,
      max_tokens: 60,
      response_format: { type: "json_schema", json_schema: { name: "answer", schema } },
    });
    const parsed = JSON.parse(result.choices[0]?.message.content ?? "") as { color: string; ok: boolean };
    expect(["red", "green", "blue"]).toContain(parsed.color);
    expect(typeof parsed.ok).toBe("boolean");
    // Ended by the grammar (end of generation), not by a stop string.
    expect(result.choices[0]?.finish_reason).toBe("stop");
    expect(result.choices[0]?.stop_reason ?? null).toBeNull();
  });

  it("keeps integer properties of a json_schema safe JSON integers, numbers finite", async () => {
    const schema = {
      type: "object",
      properties: { count: { type: "integer" }, ratio: { type: "number" } },
      required: ["count", "ratio"],
    };
    for (const seed of [1, 2, 3]) {
      const result = await chat({
        temperature: 1,
        seed,
        max_tokens: 120,
        response_format: { type: "json_schema", json_schema: { name: "counted", schema, strict: true } },
      });
      const content = result.choices[0]?.message.content ?? "";
      const parsed = JSON.parse(content) as { count: number; ratio: number };
      expect(Number.isSafeInteger(parsed.count), content).toBe(true);
      expect(Number.isFinite(parsed.ratio), content).toBe(true);
      expect(content, "no exponent on an integer").toMatch(/"count"\s*:\s*-?\d+\s*[,}]/);
    }
  });

  it("keeps json_object numbers finite", async () => {
    const numbers = (value: unknown): number[] =>
      typeof value === "number"
        ? [value]
        : typeof value === "object" && value !== null
          ? Object.values(value).flatMap(numbers)
          : [];
    let finished = 0;
    // Seed 2 drew `96E19896927258` (Infinity) from llama.cpp's json.gbnf before the number rule was bounded.
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const result = await chat({
        messages: [{ role: "user", content: "Give numbers." }],
        temperature: 1,
        seed,
        max_tokens: 300,
        response_format: { type: "json_object" },
      });
      if (result.choices[0]?.finish_reason !== "stop") continue;
      finished += 1;
      const content = result.choices[0]?.message.content ?? "";
      for (const value of numbers(JSON.parse(content))) expect(Number.isFinite(value), content).toBe(true);
    }
    expect(finished).toBeGreaterThan(2);
  });

  it("returns a forced tool call as tool_calls with finish_reason tool_calls, streaming and not", async () => {
    const tools = [
      {
        type: "function",
        function: {
          name: "set_mode",
          description: "Switch the mode",
          parameters: { type: "object", properties: { mode: { enum: ["fast", "slow"] } } },
        },
      },
    ];
    const tool_choice = { type: "function", function: { name: "set_mode" } };
    const result = await chat({ temperature: 0, max_tokens: 60, tools, tool_choice });
    const call = result.choices[0]?.message.tool_calls?.[0];
    expect(result.choices[0]?.finish_reason).toBe("tool_calls");
    expect(result.choices[0]?.message.content).toBeNull();
    expect(call?.type).toBe("function");
    expect(call?.id).toMatch(/^call_/);
    expect(call?.function.name).toBe("set_mode");
    expect(["fast", "slow"]).toContain(
      (JSON.parse(call?.function.arguments ?? "{}") as { mode: string }).mode,
    );

    const response = await postJson(`${neuron.url}/v1/chat/completions`, {
      model: "tiny",
      messages,
      temperature: 0,
      max_tokens: 60,
      tools,
      tool_choice,
      stream: true,
    });
    const data = sseData(await readSse(response)) as Array<
      { choices: Array<{ delta: { tool_calls?: unknown[] }; finish_reason: string | null }> } | "[DONE]"
    >;
    const chunks = data.filter((item) => item !== "[DONE]");
    expect(chunks.some((chunk) => chunk.choices[0]?.delta.tool_calls !== undefined)).toBe(true);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("reports a forced tool call cut short by max_tokens as a tool call, not as text", async () => {
    const tools = [
      {
        type: "function",
        function: {
          name: "get_weather",
          parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
      },
    ];
    const tool_choice = { type: "function", function: { name: "get_weather" } };
    const result = await chat({ temperature: 0, max_tokens: 4, tools, tool_choice });
    const choice = result.choices[0];
    expect(choice?.finish_reason).toBe("length");
    expect(choice?.message.content ?? "").not.toContain("name");
    expect(choice?.message.tool_calls?.[0]?.function.name).toBe("get_weather");

    const response = await postJson(`${neuron.url}/v1/chat/completions`, {
      model: "tiny",
      messages,
      temperature: 0,
      max_tokens: 4,
      tools,
      tool_choice,
      stream: true,
    });
    const chunks = sseData(await readSse(response)).filter((item) => item !== "[DONE]") as Array<{
      choices: Array<{
        delta: { content?: string | null; tool_calls?: unknown[] };
        finish_reason: string | null;
      }>;
    }>;
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    expect(text).not.toContain("name");
    expect(chunks.some((chunk) => chunk.choices[0]?.delta.tool_calls !== undefined)).toBe(true);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("length");
  });

  it("accepts a conversation with earlier tool calls and their results", async () => {
    const result = await chat({
      temperature: 0,
      max_tokens: 8,
      messages: [
        { role: "user", content: "Mode?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_1", type: "function", function: { name: "get_mode", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "call_1", content: "fast" },
      ],
      tools: [
        { type: "function", function: { name: "get_mode", parameters: { type: "object", properties: {} } } },
      ],
    });
    expect(result.usage.completion_tokens).toBeGreaterThan(0);
    const orphan = await postJson(`${neuron.url}/v1/chat/completions`, {
      model: "tiny",
      messages: [{ role: "tool", tool_call_id: "nope", content: "x" }],
    });
    expect(orphan.status).toBe(400);
    expect(((await orphan.json()) as { error: { param: string } }).error.param).toBe(
      "messages[0].tool_call_id",
    );
  });

  it("refuses a prompt over the context with 400 context_length_exceeded before admission", async () => {
    const long = "lorem ipsum dolor sit amet ".repeat(300);
    const counted = (await (
      await postJson(`${neuron.url}/v1/tokenize`, {
        model: "tiny",
        messages: [{ role: "user", content: long }],
      })
    ).json()) as { tokens: number };
    const response = await postJson(`${neuron.url}/v1/chat/completions`, {
      model: "tiny",
      messages: [{ role: "user", content: long }],
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("retry-after")).toBeNull();
    const body = (await response.json()) as {
      error: { code: string; type: string; prompt_len: number; max: number; message: string };
    };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.code).toBe("context_length_exceeded");
    expect(body.error.max).toBe(2046);
    expect(body.error.prompt_len).toBe(counted.tokens);
    expect(body.error.prompt_len).toBeGreaterThan(2046);
    expect(body.error.message).toContain("maximum context length is 2046 tokens");
  });
});

describe("tokenize", () => {
  it("counts a chat exactly as the chat request's prompt_tokens, tools included", async () => {
    const tools = [
      {
        type: "function",
        function: {
          name: "lookup",
          description: "Look something up",
          parameters: { type: "object", properties: { q: { type: "string" } } },
        },
      },
    ];
    const plain = (await (
      await postJson(`${neuron.url}/v1/tokenize`, { model: "tiny", messages })
    ).json()) as { model: string; tokens: number };
    const withTools = (await (
      await postJson(`${neuron.url}/v1/tokenize`, { model: "tiny", messages, tools })
    ).json()) as { tokens: number };
    expect(plain.model).toBe("tiny");
    expect((await chat({ temperature: 0, max_tokens: 1 })).usage.prompt_tokens).toBe(plain.tokens);
    expect((await chat({ temperature: 0, max_tokens: 1, tools })).usage.prompt_tokens).toBe(withTools.tokens);
    expect(withTools.tokens).toBeGreaterThan(plain.tokens);
    const raw = (await (
      await postJson(`${neuron.url}/v1/tokenize`, { model: "tiny", prompt: "Once upon" })
    ).json()) as { tokens: number };
    expect(raw.tokens).toBeGreaterThan(0);
  });

  it("reports chars_per_token of message text alone on /health once prompts were counted", async () => {
    const health = (await (await fetch(`${neuron.url}/health`)).json()) as {
      models: Array<{ id: string; chars_per_token?: number }>;
    };
    // The tiny vocabulary is bytes plus a few merges: at least one character per token. Counting the
    // chat template's tokens against the message text would give a ratio far below 1.
    expect(health.models[0]?.chars_per_token).toBeGreaterThanOrEqual(1);
    expect(health.models[0]?.chars_per_token).toBeLessThan(4);
  });
});

describe("metrics", () => {
  it("exposes neuron_* counters for the requests served", async () => {
    const text = await (await fetch(`${neuron.url}/metrics`)).text();
    expect(text).toMatch(/neuron_generations_total\{model="tiny",outcome="length"\} [1-9]/);
    expect(text).toMatch(/neuron_completion_tokens_total\{model="tiny"\} [1-9]/);
    expect(text).toMatch(/neuron_admission_rejections_total\{model="tiny",reason="context_length"\} [1-9]/);
    expect(text).toContain(
      'neuron_http_requests_total{route="/v1/chat/completions",method="POST",status="200"}',
    );
    expect(text).toMatch(/neuron_in_flight_requests\{model="tiny"\} 0/);
  });

  it("times the first token of a non-streamed request (its events arrive all at once)", async () => {
    const count = async () => {
      const text = await (await fetch(`${neuron.url}/metrics`)).text();
      return Number(/neuron_time_to_first_token_seconds_count\{model="tiny"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const before = await count();
    await chat({ temperature: 0, max_tokens: 8 });
    expect(await count()).toBe(before + 1);
  });
});

describe("completions", () => {
  it("completes a raw prompt deterministically, with OpenAI's default of 16 tokens", async () => {
    const request = { model: "tiny", prompt: "Once upon a time", temperature: 0 };
    const first = (await (await postJson(`${neuron.url}/v1/completions`, request)).json()) as {
      id: string;
      object: string;
      choices: Array<{ text: string; index: number; finish_reason: string }>;
      usage: { completion_tokens: number };
    };
    expect(first.id).toMatch(/^cmpl-/);
    expect(first.object).toBe("text_completion");
    expect(first.choices[0]?.finish_reason).toBe("length");
    expect(first.usage.completion_tokens).toBe(16);
    const streamed = sseData(
      await readSse(await postJson(`${neuron.url}/v1/completions`, { ...request, stream: true })),
    ) as Array<{ choices: Array<{ text: string }> } | "[DONE]">;
    expect(streamed.at(-1)).toBe("[DONE]");
    const text = streamed
      .filter((item) => item !== "[DONE]")
      .map((item) => item.choices[0]?.text ?? "")
      .join("");
    expect(text).toBe(first.choices[0]?.text);
  });
});

describe("responses", () => {
  const input = [{ role: "user", content: "Say something." }];

  it("answers with a completed response holding one output_text", async () => {
    const response = await postJson(`${neuron.url}/v1/responses`, {
      model: "tiny",
      instructions: "You are terse.",
      input,
      temperature: 0,
      max_output_tokens: 20,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      id: string;
      object: string;
      status: string;
      output: Array<{ type: string; role: string; content: Array<{ type: string; text: string }> }>;
      usage: { input_tokens: number; output_tokens: number; total_tokens: number };
    };
    expect(body.id).toMatch(/^resp_/);
    expect(body.object).toBe("response");
    expect(body.status).toBe("incomplete");
    expect(body.output[0]?.content[0]?.type).toBe("output_text");
    const reference = await chat({ temperature: 0, max_tokens: 20 });
    expect(body.output[0]?.content[0]?.text).toBe(reference.choices[0]?.message.content);
    expect(body.usage.output_tokens).toBe(20);
  });

  it("streams events in OpenAI's order, ending with response.incomplete at the budget", async () => {
    const response = await postJson(`${neuron.url}/v1/responses`, {
      model: "tiny",
      input: "Hello",
      temperature: 0,
      max_output_tokens: 12,
      stream: true,
    });
    const events = (await readSse(response)).filter((event) => event.event !== undefined);
    const names = events.map((event) => event.event);
    const deltas = names.filter((name) => name === "response.output_text.delta").length;
    expect(deltas).toBeGreaterThan(0);
    expect(names).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      ...Array(deltas).fill("response.output_text.delta"),
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.incomplete",
    ]);
    const payloads = events.map(
      (event) => JSON.parse(event.data ?? "{}") as { type: string; sequence_number: number },
    );
    expect(payloads.map((payload) => payload.type)).toEqual(names);
    expect(payloads.map((payload) => payload.sequence_number)).toEqual(payloads.map((_, index) => index));
    const incomplete = payloads.at(-1) as unknown as {
      response: { status: string; incomplete_details: { reason: string }; usage: { output_tokens: number } };
    };
    expect(incomplete.response.status).toBe("incomplete");
    expect(incomplete.response.incomplete_details.reason).toBe("max_output_tokens");
    expect(incomplete.response.usage.output_tokens).toBe(12);
  });

  it("ends a stream that finished within the budget with response.completed", async () => {
    const schema = { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] };
    const response = await postJson(`${neuron.url}/v1/responses`, {
      model: "tiny",
      input: "Hello",
      temperature: 0,
      max_output_tokens: 200,
      text: { format: { type: "json_schema", name: "answer", schema, strict: true } },
      stream: true,
    });
    const events = (await readSse(response)).filter((event) => event.event !== undefined);
    const names = events.map((event) => event.event);
    expect(names.at(-2)).toBe("response.output_item.done");
    expect(names.at(-1)).toBe("response.completed");
    expect(names).not.toContain("response.incomplete");
    const completed = JSON.parse(events.at(-1)?.data ?? "{}") as {
      response: {
        status: string;
        incomplete_details: unknown;
        output: Array<{ content: Array<{ text: string }> }>;
      };
    };
    expect(completed.response.status).toBe("completed");
    expect(completed.response.incomplete_details).toBeNull();
    expect(
      typeof (JSON.parse(completed.response.output[0]?.content[0]?.text ?? "") as { ok: unknown }).ok,
    ).toBe("boolean");
  });

  it("refuses previous_response_id", async () => {
    const response = await postJson(`${neuron.url}/v1/responses`, {
      model: "tiny",
      input: "x",
      previous_response_id: "resp_1",
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      "chained_conversation_not_supported",
    );
  });
});
