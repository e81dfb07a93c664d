import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { estimatePromptTokens } from "./estimate-prompt-tokens.js";

const user = (content: unknown) => ({ role: "user", content });

describe("estimatePromptTokens: the pinned numbers", () => {
  it.each([
    ["one user message of 'word ' x 240", { messages: [user("word ".repeat(240))] }, 302],
    ["'hi'", { messages: [user("hi")] }, 2],
    ["system + user", { messages: [{ role: "system", content: "You are helpful." }, user("hi")] }, 8],
    [
      "text parts (images count 0)",
      {
        messages: [
          user([
            { type: "text", text: "abcd" },
            { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
          ]),
        ],
      },
      3,
    ],
    ["null content still pays the per-message 8", { messages: [{ role: "assistant", content: null }] }, 2],
    ["empty messages is at least 1", { messages: [] }, 1],
    ["legacy prompt string", { model: "m", prompt: "x".repeat(1200) }, 300],
    ["no messages and no prompt: body bytes / 4", { model: "abcdefghij" }, 5],
  ])("%s", (_name, body, expected) => {
    expect(estimatePromptTokens(body)).toBe(expected);
  });

  it("counts UTF-8 bytes, not UTF-16 units", () => {
    expect(estimatePromptTokens({ messages: [user("é".repeat(100))] })).toBe((200 + 8) / 4);
    expect(estimatePromptTokens({ messages: [user("😀".repeat(10))] })).toBe(Math.floor((40 + 8) / 4));
  });

  it("gives the same number for a parsed body, its JSON text and its bytes", () => {
    const body = { model: "m", messages: [user("word ".repeat(240))] };
    const text = JSON.stringify(body);
    expect(estimatePromptTokens(text)).toBe(302);
    expect(estimatePromptTokens(new TextEncoder().encode(text))).toBe(302);
  });

  it("divides the raw body's bytes by 4 when it is not JSON", () => {
    expect(estimatePromptTokens("this is not json at all!")).toBe(6);
    expect(estimatePromptTokens(new TextEncoder().encode("{ broken ééé"))).toBe(Math.floor(15 / 4));
    expect(estimatePromptTokens("")).toBe(1);
  });

  it("falls back to body bytes for a JSON value that is not an object", () => {
    expect(estimatePromptTokens("12345678")).toBe(2);
    expect(estimatePromptTokens([1, 2, 3])).toBe(Math.max(1, Math.floor("[1,2,3]".length / 4)));
  });
});

describe("estimatePromptTokens: calibration", () => {
  it("replaces 4 with the measured characters per token", () => {
    const body = { messages: [user("word ".repeat(240))] };
    expect(estimatePromptTokens(body, { charsPerToken: 2 })).toBe(604);
    expect(estimatePromptTokens(body, { charsPerToken: 3.5 })).toBe(Math.floor(1208 / 3.5));
    expect(estimatePromptTokens("not json!!!!", { charsPerToken: 3 })).toBe(4);
  });

  it("ignores a calibration that is not a positive finite number", () => {
    const body = { messages: [user("word ".repeat(240))] };
    for (const charsPerToken of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(estimatePromptTokens(body, { charsPerToken })).toBe(302);
    }
  });
});

describe("estimatePromptTokens: legacy prompt arrays", () => {
  it("counts token ids exactly", () => {
    expect(estimatePromptTokens({ prompt: [1, 2, 3, 4, 5, 6, 7] })).toBe(7);
  });

  it("sizes a batch by its largest prompt", () => {
    expect(estimatePromptTokens({ prompt: ["a".repeat(40), "b".repeat(400)] })).toBe(100);
    expect(
      estimatePromptTokens({
        prompt: [
          [1, 2],
          [1, 2, 3, 4, 5],
        ],
      }),
    ).toBe(5);
    expect(estimatePromptTokens({ prompt: [] })).toBe(1);
  });
});

describe("estimatePromptTokens: Anthropic bodies", () => {
  it("counts system, text blocks, tool_use input and tool_result content", () => {
    const input = { city: "Paris" };
    const body = {
      model: "m",
      max_tokens: 64,
      system: "s".repeat(32),
      messages: [
        user([{ type: "text", text: "y".repeat(40) }]),
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input }] },
        user([{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "sunny" }] }]),
        user([{ type: "tool_result", tool_use_id: "toolu_2", content: "rain" }]),
      ],
    };
    const chars =
      32 + 8 + (40 + 8) + (JSON.stringify(input).length + "get_weather".length + 8) + (5 + 8) + (4 + 8);
    expect(estimatePromptTokens(body)).toBe(Math.floor(chars / 4));
  });

  it("counts system given as text blocks", () => {
    const body = { system: [{ type: "text", text: "z".repeat(100) }], messages: [user("hi")] };
    expect(estimatePromptTokens(body)).toBe(Math.floor((100 + 8 + 2 + 8) / 4));
  });
});

describe("estimatePromptTokens: Responses bodies", () => {
  it("counts instructions and a string input", () => {
    const body = { model: "m", instructions: "i".repeat(20), input: "q".repeat(100) };
    expect(estimatePromptTokens(body)).toBe(Math.floor((20 + 8 + 100 + 8) / 4));
  });

  it("counts input items: messages, function calls and their outputs", () => {
    const body = {
      input: [
        { role: "user", content: "q".repeat(50) },
        {
          type: "message",
          role: "user",
          content: [
            { type: "input_text", text: "r".repeat(30) },
            { type: "input_image", image_url: "x" },
          ],
        },
        { type: "function_call", call_id: "c1", name: "lookup", arguments: '{"k":1}' },
        { type: "function_call_output", call_id: "c1", output: "o".repeat(12) },
      ],
    };
    const chars = 50 + 8 + (30 + 8) + (6 + 7 + 8) + (12 + 8);
    expect(estimatePromptTokens(body)).toBe(Math.floor(chars / 4));
  });

  it("counts nothing for reasoning items sent back from earlier turns (the neuron drops them)", () => {
    const question = { role: "user", content: "q".repeat(100) };
    const thinking = {
      type: "reasoning",
      id: "rs_1",
      summary: [],
      content: [{ type: "reasoning_text", text: "t".repeat(4000) }],
    };
    expect(estimatePromptTokens({ input: [thinking, question] })).toBe(
      estimatePromptTokens({ input: [question] }),
    );
  });
});

describe("estimatePromptTokens: properties", () => {
  it("is at least 1 and never throws, whatever the body", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.string(), fc.uint8Array()), (body) => {
        const tokens = estimatePromptTokens(body);
        expect(Number.isInteger(tokens)).toBe(true);
        expect(tokens).toBeGreaterThanOrEqual(1);
      }),
    );
  });

  it("grows with the message text", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const shorter = estimatePromptTokens({ messages: [user(a)] });
        const longer = estimatePromptTokens({ messages: [user(a + b)] });
        expect(longer).toBeGreaterThanOrEqual(shorter);
      }),
    );
  });
});

describe("estimatePromptTokens: fill-in-the-middle", () => {
  it("counts a completions suffix with its prompt", () => {
    expect(estimatePromptTokens({ prompt: "a".repeat(400), suffix: "b".repeat(400) })).toBe(200);
    expect(estimatePromptTokens({ prompt: [1, 2, 3], suffix: "b".repeat(40) })).toBe(13);
    expect(estimatePromptTokens({ prompt: "a".repeat(40), suffix: null })).toBe(10);
  });

  it("counts every /infill field: input_prefix, input_suffix, input_extra texts and prompt", () => {
    const body = {
      model: "m",
      input_prefix: "p".repeat(400),
      input_suffix: "s".repeat(400),
      input_extra: [{ filename: "a.ts", text: "e".repeat(400) }, { text: "f".repeat(400) }],
      prompt: "m".repeat(400),
    };
    expect(estimatePromptTokens(body)).toBe(500);
    expect(estimatePromptTokens({ input_suffix: "s".repeat(40) })).toBe(10);
    expect(estimatePromptTokens({ input_prefix: "p".repeat(40), input_extra: "junk" })).toBe(10);
  });

  it("never counts an /infill body below a plain prompt of the same text", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (prefix, suffix, middle) => {
        const infill = estimatePromptTokens({ input_prefix: prefix, input_suffix: suffix, prompt: middle });
        expect(infill).toBeGreaterThanOrEqual(estimatePromptTokens({ prompt: prefix + suffix + middle }));
      }),
    );
  });
});
