/** A byte-level BPE vocabulary in the shape GGUF's `tokenizer.ggml.*` keys expect. */
export interface Gpt2Vocabulary {
  tokens: string[];
  /** llama.cpp token types: 1 normal, 3 control. */
  tokenTypes: number[];
  /** Merge rules, highest priority first, as `"left right"`. */
  merges: string[];
  bosTokenId: number;
  eosTokenId: number;
  /** Fill-in-the-middle control tokens, in the order a FIM prompt uses them; undefined without them. */
  fimTokenIds: { prefix: number; suffix: number; middle: number } | undefined;
  /**
   * How many tokens at the end were added after the first release of this vocabulary; their weights
   * are drawn after every other weight, so adding them left the other weights (and greedy output) as
   * they were.
   */
  appendedTokenCount: number;
  /** Whether the output head may produce the token: printable ASCII bytes and merged tokens. */
  visible: boolean[];
}

const normalTokenType = 1;
const controlTokenType = 3;

/** Pairs merged by the tokenizer, in rank order; each part must already be a token. */
const mergePairs: readonly (readonly [string, string])[] = [
  ["Ġ", "t"],
  ["h", "e"],
  ["i", "n"],
  ["e", "r"],
  ["a", "n"],
  ["o", "r"],
  ["Ġ", "a"],
  ["o", "n"],
  ["r", "e"],
  ["a", "t"],
  ["e", "n"],
  ["i", "s"],
  ["o", "u"],
  ["Ġ", "s"],
  ["Ġt", "he"],
  ["i", "t"],
  ["H", "e"],
  ["l", "l"],
  ["Ġ", "w"],
  ["in", "g"],
];

const controlTokens = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"] as const;

/** Qwen/StarCoder-style fill-in-the-middle tokens, which llama.cpp also recognises by their text. */
const fimTokens = ["<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"] as const;

/**
 * GPT-2's `bytes_to_unicode`: printable Latin-1 bytes map to themselves and the rest to code points
 * from 256 upwards, so every byte has a visible, whitespace-free character (space becomes "Ġ").
 */
export function bytesToUnicode(): string[] {
  const isPrintable = (byte: number): boolean =>
    (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
  const characters: string[] = [];
  let next = 256;
  for (let byte = 0; byte < 256; byte++) {
    characters.push(String.fromCodePoint(isPrintable(byte) ? byte : next++));
  }
  return characters;
}

/**
 * Builds the 282-token vocabulary: 256 bytes (id = byte value), 20 merges, 3 chat control tokens and
 * 3 fill-in-the-middle control tokens (279 tokens without those).
 */
export function buildGpt2Vocabulary(fillInTheMiddle = true): Gpt2Vocabulary {
  const tokens = bytesToUnicode();
  const tokenTypes: number[] = tokens.map(() => normalTokenType);
  const visible: boolean[] = tokens.map((_, byte) => byte >= 0x20 && byte <= 0x7e);
  const merges: string[] = [];
  for (const [left, right] of mergePairs) {
    if (!tokens.includes(left) || !tokens.includes(right)) throw new Error(`bad merge ${left} ${right}`);
    merges.push(`${left} ${right}`);
    tokens.push(left + right);
    tokenTypes.push(normalTokenType);
    visible.push(true);
  }
  const appended = fillInTheMiddle ? fimTokens : [];
  for (const token of [...controlTokens, ...appended]) {
    tokens.push(token);
    tokenTypes.push(controlTokenType);
    visible.push(false);
  }
  return {
    tokens,
    tokenTypes,
    merges,
    bosTokenId: tokens.indexOf("<|endoftext|>"),
    eosTokenId: tokens.indexOf("<|im_end|>"),
    fimTokenIds: fillInTheMiddle
      ? {
          prefix: tokens.indexOf("<|fim_prefix|>"),
          suffix: tokens.indexOf("<|fim_suffix|>"),
          middle: tokens.indexOf("<|fim_middle|>"),
        }
      : undefined,
    appendedTokenCount: appended.length,
    visible,
  };
}
