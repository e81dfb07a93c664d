import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PREFIX_BLOCK_CHARS, prefixBlockHashes } from "./prefix-block-hashes.js";

const history = (turns: number) => [
  { role: "system", content: "You are a careful assistant. ".repeat(40) },
  ...Array.from({ length: turns }, (_, turn) => [
    { role: "user", content: `question ${turn}: ${"details ".repeat(50)}` },
    { role: "assistant", content: `answer ${turn}: ${"words ".repeat(40)}` },
  ]).flat(),
];

describe("prefixBlockHashes", () => {
  it("gives a conversation's next turn the previous turn's blocks as its first blocks", () => {
    const first = prefixBlockHashes("/v1/chat/completions", { messages: history(1) });
    const second = prefixBlockHashes("/v1/chat/completions", { messages: history(3) });
    expect(first.length).toBeGreaterThan(3);
    expect(second.length).toBeGreaterThan(first.length);
    expect(second.slice(0, first.length)).toEqual(first);
  });

  it("hashes only whole blocks and chains them: a change early changes every later block", () => {
    const messages = history(2);
    const hashes = prefixBlockHashes("/v1/chat/completions", { messages });
    const changed = prefixBlockHashes("/v1/chat/completions", {
      messages: [
        { role: "system", content: `X${(messages[0] as { content: string }).content}` },
        ...messages.slice(1),
      ],
    });
    expect(changed.some((hash, index) => hash === hashes[index])).toBe(false);
    expect(prefixBlockHashes("/v1/completions", { prompt: "a".repeat(PREFIX_BLOCK_CHARS - 1) })).toEqual([]);
    expect(prefixBlockHashes("/v1/completions", { prompt: "a".repeat(PREFIX_BLOCK_CHARS) })).toHaveLength(1);
  });

  it("ignores key order, the model and sampling fields (cortex's body and the neuron's parsed one agree)", () => {
    const messages = history(1);
    const reordered = messages.map((message) => ({ content: message.content, role: message.role }));
    const a = prefixBlockHashes("/v1/chat/completions", { model: "a", messages, temperature: 0 });
    const b = prefixBlockHashes("/v1/chat/completions", { messages: reordered, model: "b", max_tokens: 9 });
    expect(a).toEqual(b);
  });

  it("leaves out Claude Code's per-request billing line (cch=…)", () => {
    const withBilling = (cch: string) => ({
      messages: [
        {
          role: "system",
          content: `x-anthropic-billing-header: cc_version=2.1.40; cc_entrypoint=cli; cch=${cch};\n${"You are Claude Code. ".repeat(30)}`,
        },
        { role: "user", content: "hello ".repeat(60) },
      ],
    });
    const a = prefixBlockHashes("/v1/chat/completions", withBilling("1a2b3"));
    const b = prefixBlockHashes("/v1/chat/completions", withBilling("ff09c"));
    expect(a.length).toBeGreaterThan(1);
    expect(a).toEqual(b);
  });

  it("gives nothing for token-id prompts and routes without a text prompt", () => {
    expect(prefixBlockHashes("/v1/completions", { prompt: Array(2000).fill(5) })).toEqual([]);
    expect(prefixBlockHashes("/infill", { input_prefix: "a".repeat(5000) })).toEqual([]);
    expect(prefixBlockHashes("/v1/chat/completions", "not a body")).toEqual([]);
  });

  it("hashes a Responses body's instructions and input", () => {
    const body = {
      instructions: "Be brief. ".repeat(30),
      input: [{ role: "user", content: "hi ".repeat(100) }],
    };
    const longer = { ...body, input: [...body.input, { role: "assistant", content: "ok ".repeat(100) }] };
    const a = prefixBlockHashes("/v1/responses", body);
    expect(a.length).toBeGreaterThan(1);
    expect(prefixBlockHashes("/v1/responses", longer).slice(0, a.length)).toEqual(a);
  });

  it("never throws on any JSON body, and gives whole-block hashes only", () => {
    const route = fc.constantFrom("/v1/chat/completions", "/v1/completions", "/v1/responses", "/infill");
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record({ messages: fc.array(fc.jsonValue()), tools: fc.jsonValue() }),
      fc.record({ input: fc.jsonValue(), instructions: fc.jsonValue(), prompt: fc.jsonValue() }),
    );
    fc.assert(
      fc.property(route, body, (chosen, value) => {
        const hashes = prefixBlockHashes(chosen, value, 16);
        for (const hash of hashes) expect(hash).toMatch(/^[0-9a-f]{14}$/);
      }),
      { numRuns: 500 },
    );
  });
});
