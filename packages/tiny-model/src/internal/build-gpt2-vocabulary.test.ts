import { describe, expect, it } from "vitest";
import { buildGpt2Vocabulary, bytesToUnicode } from "./build-gpt2-vocabulary.js";

describe("bytesToUnicode", () => {
  it("matches GPT-2's mapping", () => {
    const characters = bytesToUnicode();
    expect(characters).toHaveLength(256);
    expect(new Set(characters).size).toBe(256);
    expect(characters[0x20]).toBe("Ġ");
    expect(characters[0x0a]).toBe("Ċ");
    expect(characters[0x00]).toBe("Ā");
    expect(characters[0x41]).toBe("A");
    expect(characters[0xad]).toBe("Ń");
    expect(characters[0xe9]).toBe("é");
  });
});

describe("buildGpt2Vocabulary", () => {
  const vocabulary = buildGpt2Vocabulary();

  it("has 256 byte tokens, 20 merged tokens, 3 chat and 3 fill-in-the-middle control tokens", () => {
    expect(vocabulary.tokens).toHaveLength(282);
    expect(vocabulary.merges).toHaveLength(20);
    expect(new Set(vocabulary.tokens).size).toBe(282);
    expect(vocabulary.tokens.slice(276)).toEqual([
      "<|endoftext|>",
      "<|im_start|>",
      "<|im_end|>",
      "<|fim_prefix|>",
      "<|fim_suffix|>",
      "<|fim_middle|>",
    ]);
    expect(vocabulary.tokenTypes.slice(274)).toEqual([1, 1, 3, 3, 3, 3, 3, 3]);
    expect(vocabulary.fimTokenIds).toEqual({ prefix: 279, suffix: 280, middle: 281 });
    expect(vocabulary.appendedTokenCount).toBe(3);
  });

  it("merges only existing tokens into the token that follows the bytes", () => {
    vocabulary.merges.forEach((merge, rank) => {
      const [left, right] = merge.split(" ");
      expect(vocabulary.tokens.indexOf(`${left}${right}`)).toBe(256 + rank);
    });
  });

  it("uses <|endoftext|> as bos and <|im_end|> as eos", () => {
    expect(vocabulary.tokens[vocabulary.bosTokenId]).toBe("<|endoftext|>");
    expect(vocabulary.tokens[vocabulary.eosTokenId]).toBe("<|im_end|>");
  });

  it("lets the output head produce only printable ASCII and merged tokens", () => {
    const visible = vocabulary.tokens.filter((_, id) => vocabulary.visible[id]);
    expect(visible).toHaveLength(95 + 20);
    expect(vocabulary.visible[0x7f]).toBe(false);
    expect(vocabulary.visible[0x0a]).toBe(false);
    expect(vocabulary.visible[vocabulary.eosTokenId]).toBe(false);
    expect(vocabulary.visible[281]).toBe(false);
  });
});

describe("buildGpt2Vocabulary without fill-in-the-middle tokens", () => {
  it("ends with the chat control tokens and has no FIM ids", () => {
    const vocabulary = buildGpt2Vocabulary(false);
    expect(vocabulary.tokens).toHaveLength(279);
    expect(vocabulary.tokens.at(-1)).toBe("<|im_end|>");
    expect(vocabulary.fimTokenIds).toBeUndefined();
    expect(vocabulary.appendedTokenCount).toBe(0);
  });
});
