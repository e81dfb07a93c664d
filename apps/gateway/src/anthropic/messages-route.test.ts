import { modelNotFound, modelOverloaded, rateLimitExceeded } from "@helexa/core";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { Dispatch, DispatchRequest } from "../dispatch/dispatch.js";
import { createErrorHandler } from "../errors/create-error-handler.js";
import type { AppEnv } from "../internal/app-env.js";
import { clientHeader } from "../internal/client-headers.js";
import { silentLogger } from "../internal/logger.js";
import type { AnthropicStreamEvent } from "./anthropic-stream-event.js";
import type { ScheduleInterval } from "./create-anthropic-sse-stream.js";
import { createMessagesRoutes } from "./messages-route.js";
import { accumulateAnthropicEvents } from "./test-support/accumulate-anthropic-events.js";
import {
  contentChunk,
  finishChunk,
  roleChunk,
  sseBody,
  toolArgumentsChunk,
  toolCallStartChunk,
  usageChunk,
} from "./test-support/openai-chunks.js";
import { parseSseFrames } from "./test-support/read-sse-frames.js";

type Answer = Response | Error | (() => Response);

/** An app with the Anthropic routes over a fake dispatch that records calls and answers as told. */
function setup(answer: Answer, options: { scheduleInterval?: ScheduleInterval } = {}) {
  const calls: DispatchRequest[] = [];
  const dispatch: Dispatch = async (request) => {
    calls.push(request);
    if (answer instanceof Error) throw answer;
    return typeof answer === "function" ? answer() : answer;
  };
  const app = new Hono<AppEnv>();
  app.onError(createErrorHandler(silentLogger));
  app.use("*", async (c, next) => {
    c.set("identity", { keyId: "k1", accountId: "acct" });
    await next();
  });
  app.route("/", createMessagesRoutes({ dispatch, ...options }));
  const post = (path: string, body: unknown) =>
    app.request(path, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "secret" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  return { calls, post };
}

const request = {
  model: "tiny",
  max_tokens: 32,
  stop_sequences: ["END"],
  messages: [{ role: "user", content: "Say hello" }],
};

function chatCompletion(message: Record<string, unknown>, finishReason = "stop") {
  return Response.json({
    id: "chatcmpl-9",
    object: "chat.completion",
    model: "tiny",
    choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finishReason }],
    usage: { prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 },
  });
}

const sse = (chunks: unknown[], done = true) =>
  new Response(sseBody(chunks, done), { headers: { "content-type": "text/event-stream" } });

async function expectAnthropicError(response: Response, status: number, type: string) {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { type: string; error: { type: string; message: string } };
  expect(body.type).toBe("error");
  expect(body.error.type).toBe(type);
  return body.error.message;
}

describe("POST /v1/messages", () => {
  it("dispatches the translated body and answers an Anthropic message", async () => {
    const { calls, post } = setup(chatCompletion({ content: "Hello!" }));
    const response = await post("/v1/messages", request);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: "msg_9",
      type: "message",
      role: "assistant",
      model: "tiny",
      content: [{ type: "text", text: "Hello!" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: {
        input_tokens: 11,
        output_tokens: 4,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    });
    const call = calls[0]!;
    expect(call).toMatchObject({
      route: "/v1/chat/completions",
      identity: { keyId: "k1", accountId: "acct" },
      originalBody: request,
      body: {
        model: "tiny",
        max_tokens: 32,
        stop: ["END"],
        messages: [{ role: "user", content: "Say hello" }],
      },
    });
    expect(call.signal).toBeInstanceOf(AbortSignal);
    expect(clientHeader(call.headers, "x-api-key")).toBe("secret");
  });

  it("returns tool calls as tool_use blocks", async () => {
    const { post } = setup(
      chatCompletion(
        {
          content: null,
          tool_calls: [{ id: "call_1", type: "function", function: { name: "w", arguments: '{"c":"P"}' } }],
        },
        "tool_calls",
      ),
    );
    const body = (await (await post("/v1/messages", request)).json()) as Record<string, unknown>;
    expect(body.content).toEqual([{ type: "tool_use", id: "toolu_1", name: "w", input: { c: "P" } }]);
    expect(body.stop_reason).toBe("tool_use");
  });

  it("streams Anthropic events translated from the neuron's chunks", async () => {
    const { calls, post } = setup(
      sse([
        roleChunk(),
        contentChunk("Let me look."),
        toolCallStartChunk(0, "call_1", "get_weather"),
        toolArgumentsChunk(0, '{"city":"Oslo"}'),
        finishChunk("tool_calls"),
        usageChunk(40, 12),
      ]),
    );
    const response = await post("/v1/messages", { ...request, stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(calls[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const frames = parseSseFrames(await response.text());
    const { message } = accumulateAnthropicEvents(
      frames.map((frame) => frame.data) as AnthropicStreamEvent[],
    );
    expect(message.content).toEqual([
      { type: "text", text: "Let me look." },
      { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Oslo" } },
    ]);
    expect(message).toMatchObject({
      stop_reason: "tool_use",
      usage: { input_tokens: 40, output_tokens: 12 },
    });
  });

  it("puts the neuron's prompt count (x-helexa-prompt-tokens) in message_start, which goes out first", async () => {
    const { post } = setup(
      new Response(sseBody([contentChunk("ok"), finishChunk("stop"), usageChunk(37, 1)]), {
        headers: { "content-type": "text/event-stream", "x-helexa-prompt-tokens": "37" },
      }),
    );
    const frames = parseSseFrames(await (await post("/v1/messages", { ...request, stream: true })).text());
    expect(frames[0]).toMatchObject({
      event: "message_start",
      data: { message: { usage: { input_tokens: 37, output_tokens: 0 } } },
    });
  });

  it("starts with input_tokens 0 when the neuron says no count or a malformed one", async () => {
    for (const count of [undefined, "", "-3", "1.5", "lots"]) {
      const headers: Record<string, string> = { "content-type": "text/event-stream" };
      if (count !== undefined) headers["x-helexa-prompt-tokens"] = count;
      const { post } = setup(new Response(sseBody([contentChunk("ok"), finishChunk("stop")]), { headers }));
      const frames = parseSseFrames(await (await post("/v1/messages", { ...request, stream: true })).text());
      expect(frames[0]?.data, String(count)).toMatchObject({ message: { usage: { input_tokens: 0 } } });
    }
  });

  it("names the Anthropic field when the neuron refuses the translated body by its OpenAI path", async () => {
    const { post } = setup(
      Response.json(
        {
          error: {
            message: "invalid 'tools[0].function.parameters.type': expected 'object'",
            type: "invalid_request_error",
            code: null,
            param: "tools[0].function.parameters.type",
          },
        },
        { status: 400 },
      ),
    );
    const message = await expectAnthropicError(
      await post("/v1/messages", request),
      400,
      "invalid_request_error",
    );
    expect(message).toBe("tools.0.input_schema.type: expected 'object'");
  });

  it("pings while the neuron is silent", async () => {
    let tick: (() => void) | undefined;
    const scheduleInterval: ScheduleInterval = (callback) => {
      tick = callback;
      return () => {};
    };
    let write!: (text: string) => void;
    let close!: () => void;
    const upstream = new ReadableStream<Uint8Array>({
      start(controller) {
        write = (text) => controller.enqueue(new TextEncoder().encode(text));
        close = () => controller.close();
      },
    });
    const { post } = setup(new Response(upstream, { headers: { "content-type": "text/event-stream" } }), {
      scheduleInterval,
    });
    const response = await post("/v1/messages", { ...request, stream: true });
    tick?.();
    tick?.();
    write(sseBody([contentChunk("ok"), finishChunk("stop")]));
    close();
    const events = parseSseFrames(await response.text()).map((frame) => frame.event);
    expect(events.slice(0, 2)).toEqual(["message_start", "ping"]);
    expect(events.at(-1)).toBe("message_stop");
  });

  it("ends a stream with an error event when the neuron fails mid-stream", async () => {
    const { post } = setup(
      sse(
        [
          contentChunk("par"),
          { error: { message: "worker died", type: "api_error", code: "worker_crashed" } },
        ],
        true,
      ),
    );
    const frames = parseSseFrames(await (await post("/v1/messages", { ...request, stream: true })).text());
    expect(frames.at(-1)).toEqual({
      event: "error",
      data: { type: "error", error: { type: "api_error", message: "worker died" } },
    });
  });

  it.each([
    [{ ...request, max_tokens: undefined }, /max_tokens: field required/],
    [
      { ...request, messages: [{ role: "user", content: [{ type: "video" }] }] },
      /messages\.0\.content\.0\.type/,
    ],
    ["{not json", /not valid JSON/],
    [[1, 2], /JSON object/],
  ])("refuses %j with a 400 invalid_request_error and never dispatches", async (body, message) => {
    const { calls, post } = setup(chatCompletion({ content: "x" }));
    expect(
      await expectAnthropicError(await post("/v1/messages", body), 400, "invalid_request_error"),
    ).toMatch(message);
    expect(calls).toHaveLength(0);
  });

  it("renders dispatch refusals in Anthropic's envelope", async () => {
    expect(
      await expectAnthropicError(
        await setup(modelNotFound("nope")).post("/v1/messages", request),
        404,
        "not_found_error",
      ),
    ).toMatch(/nope/);
    const overloaded = await setup(modelOverloaded(3)).post("/v1/messages", request);
    await expectAnthropicError(overloaded, 529, "overloaded_error");
    expect(overloaded.headers.get("retry-after")).toBe("3");
    const budget = await setup(rateLimitExceeded("budget spent", 12)).post("/v1/messages", request);
    await expectAnthropicError(budget, 429, "rate_limit_error");
    expect(budget.headers.get("retry-after")).toBe("12");
  });

  it("re-renders a neuron's error reply, keeping Retry-After; 503 becomes 529", async () => {
    const busy = () =>
      Response.json(
        {
          error: {
            message: "model is busy",
            type: "rate_limit_error",
            code: "rate_limit_exceeded",
            param: null,
          },
        },
        { status: 503, headers: { "retry-after": "7" } },
      );
    const response = await setup(busy).post("/v1/messages", { ...request, stream: true });
    expect(await expectAnthropicError(response, 529, "overloaded_error")).toBe("model is busy");
    expect(response.headers.get("retry-after")).toBe("7");

    const tooLong = Response.json(
      {
        error: {
          message: "maximum context length is 2048",
          type: "invalid_request_error",
          code: "context_length_exceeded",
        },
      },
      { status: 400 },
    );
    expect(
      await expectAnthropicError(
        await setup(tooLong).post("/v1/messages", request),
        400,
        "invalid_request_error",
      ),
    ).toMatch(/2048/);
  });

  it("answers 502 when the neuron's reply is not a chat completion", async () => {
    await expectAnthropicError(
      await setup(new Response("<html>")).post("/v1/messages", request),
      502,
      "api_error",
    );
    await expectAnthropicError(
      await setup(Response.json({ ok: true })).post("/v1/messages", request),
      502,
      "api_error",
    );
  });

  it("answers a generic 500 for an unexpected failure, leaking nothing", async () => {
    const message = await expectAnthropicError(
      await setup(new TypeError("secret internals")).post("/v1/messages", request),
      500,
      "api_error",
    );
    expect(message).not.toMatch(/secret/);
  });
});

describe("POST /v1/messages/count_tokens", () => {
  const countBody = { model: "tiny", system: "sys", messages: [{ role: "user", content: "count me" }] };

  it("asks the neuron's tokenizer and answers input_tokens", async () => {
    const { calls, post } = setup(Response.json({ model: "tiny", tokens: 23 }));
    const response = await post("/v1/messages/count_tokens", countBody);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ input_tokens: 23 });
    expect(calls[0]).toMatchObject({
      route: "/v1/tokenize",
      body: {
        model: "tiny",
        messages: [
          { role: "system", content: "sys" },
          { role: "user", content: "count me" },
        ],
      },
    });
  });

  it("refuses a bad body and renders upstream errors in Anthropic's envelope", async () => {
    await expectAnthropicError(
      await setup(Response.json({})).post("/v1/messages/count_tokens", { model: "tiny" }),
      400,
      "invalid_request_error",
    );
    const missing = Response.json(
      { error: { message: "model 'x' not found", type: "invalid_request_error" } },
      { status: 404 },
    );
    await expectAnthropicError(
      await setup(missing).post("/v1/messages/count_tokens", countBody),
      404,
      "not_found_error",
    );
  });
});
