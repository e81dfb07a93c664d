import { HelexaError, renderAnthropicError } from "@helexa/core";
import { describe, expect, it } from "vitest";
import { convertAnthropicRequest, parseAnthropicMessagesRequest } from "./convert-anthropic-request.js";

const convert = (body: unknown) => convertAnthropicRequest(parseAnthropicMessagesRequest(body));

function refusal(body: unknown): HelexaError {
  try {
    convert(body);
  } catch (error) {
    if (HelexaError.is(error)) return error;
    throw error;
  }
  throw new Error("expected the body to be refused");
}

const weatherTool = {
  name: "get_weather",
  description: "Current weather for a city",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  cache_control: { type: "ephemeral" },
};

describe("convertAnthropicRequest", () => {
  it("translates a plain request with its sampling fields", () => {
    const body = convert({
      model: "tiny",
      max_tokens: 64,
      system: "Be brief.",
      messages: [{ role: "user", content: "Hi" }],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ["END", "\n\n"],
      metadata: { user_id: "user-7" },
    });
    expect(body).toEqual({
      model: "tiny",
      max_tokens: 64,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop: ["END", "\n\n"],
      user: "user-7",
    });
  });

  it("asks for usage in streams and merges system blocks and inline system turns", () => {
    const body = convert({
      model: "tiny",
      max_tokens: 8,
      stream: true,
      system: [
        { type: "text", text: "You are helpful.", cache_control: { type: "ephemeral" } },
        { type: "text", text: "Answer in English." },
      ],
      messages: [
        { role: "system", content: "Inline rule." },
        {
          role: "user",
          content: [
            { type: "text", text: "<reminder/>" },
            { type: "text", text: "Hello" },
          ],
        },
      ],
    });
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.messages).toEqual([
      { role: "system", content: "You are helpful.\nAnswer in English.\n\nInline rule." },
      { role: "user", content: "<reminder/>\nHello" },
    ]);
  });

  it("drops Claude Code's billing block (its cch= changes every request), so turns share their prefix", () => {
    const turn = (cch: string) =>
      convert({
        model: "tiny",
        max_tokens: 8,
        system: [
          {
            type: "text",
            text: `x-anthropic-billing-header: cc_version=2.1.40.abc; cc_entrypoint=cli; cch=${cch};`,
          },
          { type: "text", text: "You are Claude Code." },
        ],
        messages: [{ role: "user", content: "Hello" }],
      });
    expect(turn("1f2e3").messages).toEqual([
      { role: "system", content: "You are Claude Code." },
      { role: "user", content: "Hello" },
    ]);
    expect(turn("9a8b7")).toEqual(turn("1f2e3"));
  });

  it("translates a full tool round trip in order", () => {
    const body = convert({
      model: "tiny",
      max_tokens: 100,
      tools: [weatherTool, { name: "noop", input_schema: { type: "object" } }],
      tool_choice: { type: "auto", disable_parallel_tool_use: true },
      messages: [
        { role: "user", content: "Weather in Paris and Rome?" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "two calls", signature: "sig" },
            { type: "text", text: "Checking." },
            { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
            { type: "tool_use", id: "toolu_2", name: "get_weather", input: { city: "Rome" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", content: "18C" },
            {
              type: "tool_result",
              tool_use_id: "toolu_2",
              content: [
                { type: "text", text: "22C" },
                { type: "text", text: "sunny" },
              ],
              is_error: false,
            },
            { type: "text", text: "Which is warmer?" },
          ],
        },
      ],
    });
    expect(body.tools).toEqual([
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "Current weather for a city",
          parameters: weatherTool.input_schema,
        },
      },
      { type: "function", function: { name: "noop", parameters: { type: "object" } } },
    ]);
    expect(body.tool_choice).toBe("auto");
    expect(body.parallel_tool_calls).toBe(false);
    expect(body.messages).toEqual([
      { role: "user", content: "Weather in Paris and Rome?" },
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: [
          {
            id: "toolu_1",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
          {
            id: "toolu_2",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Rome"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "18C" },
      { role: "tool", tool_call_id: "toolu_2", content: "22C\nsunny" },
      { role: "user", content: "Which is warmer?" },
    ]);
  });

  it("gives a tool-only assistant turn null content and drops thinking-only turns", () => {
    const body = convert({
      model: "tiny",
      max_tokens: 10,
      messages: [
        { role: "user", content: "go" },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "noop", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1" }] },
        { role: "assistant", content: [{ type: "redacted_thinking", data: "xyz" }] },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: "go" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "t1", type: "function", function: { name: "noop", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "t1", content: "" },
    ]);
  });

  it("maps each tool_choice type", () => {
    const base = {
      model: "m",
      max_tokens: 1,
      messages: [{ role: "user", content: "x" }],
      tools: [weatherTool],
    };
    expect(convert({ ...base, tool_choice: { type: "any" } }).tool_choice).toBe("required");
    expect(convert({ ...base, tool_choice: { type: "none" } }).tool_choice).toBe("none");
    expect(convert({ ...base, tool_choice: { type: "tool", name: "get_weather" } }).tool_choice).toEqual({
      type: "function",
      function: { name: "get_weather" },
    });
    const withoutTools = convert({ ...base, tools: undefined, tool_choice: { type: "auto" } });
    expect(withoutTools.tool_choice).toBeUndefined();
    expect(withoutTools.tools).toBeUndefined();
  });

  it("passes images through as image_url parts", () => {
    const body = convert({
      model: "m",
      max_tokens: 1,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "AAAA" } },
            { type: "image", source: { type: "url", url: "https://example.com/a.png" } },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "data:image/jpeg;base64,AAAA" } },
          { type: "image_url", image_url: { url: "https://example.com/a.png" } },
        ],
      },
    ]);
  });

  it("maps thinking and structured output", () => {
    const base = { model: "m", max_tokens: 1, messages: [{ role: "user", content: "x" }] };
    expect(
      convert({ ...base, thinking: { type: "enabled", budget_tokens: 1024 } }).chat_template_kwargs,
    ).toEqual({
      enable_thinking: true,
    });
    expect(convert({ ...base, thinking: { type: "disabled" } }).chat_template_kwargs).toEqual({
      enable_thinking: false,
    });
    expect(convert(base).chat_template_kwargs).toBeUndefined();
    const schema = { type: "object", properties: { a: { type: "number" } } };
    expect(
      convert({ ...base, output_config: { format: { type: "json_schema", schema } } }).response_format,
    ).toEqual({
      type: "json_schema",
      json_schema: { name: "output", schema },
    });
  });
});

describe("parseAnthropicMessagesRequest refusals", () => {
  const ok = { model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }] };

  it.each([
    [{ model: "m", messages: [{ role: "user", content: "x" }] }, "max_tokens", /field required/],
    [{ ...ok, model: 3 }, "model", /expected string, received number/],
    [{ ...ok, messages: [] }, "messages", /1/],
    [{ ...ok, max_tokens: 1.5 }, "max_tokens", /expected an integer, received 1.5/],
    [{ ...ok, messages: [{ role: "robot", content: "x" }] }, "messages.0.role", /user/],
    [
      { ...ok, messages: [{ role: "user", content: 42 }] },
      "messages.0.content",
      /expected string or array, received number/,
    ],
    [
      { ...ok, messages: [{ role: "user", content: [{ type: "document", source: {} }] }] },
      "messages.0.content.0.type",
      /unsupported value "document"/,
    ],
    [
      { ...ok, messages: [{ role: "user", content: [{ type: "tool_result", content: "r" }] }] },
      "messages.0.content.0.tool_use_id",
      /field required/,
    ],
    [
      {
        ...ok,
        messages: [{ role: "assistant", content: [{ type: "tool_use", id: "a", name: "b", input: "c" }] }],
      },
      "messages.0.content.0.input",
      /expected record, received string/,
    ],
    [{ ...ok, tools: [{ type: "web_search_20250305", name: "web_search" }] }, "tools.0.type", /client tools/],
    [{ ...ok, tools: [{ name: "t".repeat(65) }] }, "tools.0.name", /1-64 letters, digits/],
    [{ ...ok, tools: [weatherTool, { name: "get weather" }] }, "tools.1.name", /1-64 letters, digits/],
    [{ ...ok, tools: [{ name: "" }] }, "tools.0.name", /1-64 letters, digits/],
    [{ ...ok, tool_choice: { type: "sometimes" } }, "tool_choice.type", /unsupported value "sometimes"/],
    [{ ...ok, temperature: 3 }, "temperature", /1/],
  ])("refuses %j at %s", (body, param, message) => {
    const error = refusal(body);
    expect(error.statusCode).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`${param}: `)).toBe(true);
    const rendered = renderAnthropicError(error);
    expect(rendered.status).toBe(400);
    expect(rendered.body.error.type).toBe("invalid_request_error");
  });

  it("refuses a body that is not an object", () => {
    const error = refusal([1, 2]);
    expect(error.statusCode).toBe(400);
    expect(error.param).toBeNull();
    expect(error.message).toMatch(/expected object, received array/);
  });

  it.each([
    [{ ...ok, tool_choice: { type: "any" } }, "tool_choice", /requires at least one tool/],
    [
      { ...ok, tools: [weatherTool], tool_choice: { type: "tool", name: "nope" } },
      "tool_choice.name",
      /'nope'/,
    ],
    [
      { ...ok, messages: [{ role: "user", content: [{ type: "tool_use", id: "a", name: "b", input: {} }] }] },
      "messages.0.content.0.type",
      /assistant messages/,
    ],
    [
      { ...ok, messages: [{ role: "assistant", content: [{ type: "tool_result", tool_use_id: "a" }] }] },
      "messages.0.content.0.type",
      /user messages/,
    ],
    [
      {
        ...ok,
        messages: [
          {
            role: "user",
            content: [
              {
                type: "tool_result",
                tool_use_id: "a",
                content: [{ type: "image", source: { type: "url", url: "u" } }],
              },
            ],
          },
        ],
      },
      "messages.0.content.0.content.0.type",
      /images inside tool_result/,
    ],
    [
      {
        ...ok,
        messages: [{ role: "system", content: [{ type: "image", source: { type: "url", url: "u" } }] }],
      },
      "messages.0.content.0.type",
      /only text/,
    ],
    [
      {
        ...ok,
        messages: [
          { role: "user", content: "go" },
          { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "noop", input: {} }] },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: "toolu_1", content: "done" },
              { type: "tool_result", tool_use_id: "toolu_9", content: "?" },
            ],
          },
        ],
      },
      "messages.2.content.1.tool_use_id",
      /unexpected `tool_use_id` found in `tool_result` blocks: toolu_9\. Each `tool_result` block must have a corresponding `tool_use` block/,
    ],
    [
      {
        ...ok,
        messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: "r" }] }],
      },
      "messages.0.content.0.tool_use_id",
      /: t\. Each/,
    ],
  ])("refuses what validates but cannot be served: %j", (body, param, message) => {
    const error = refusal(body);
    expect(error.statusCode).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message).toMatch(message);
  });
});
