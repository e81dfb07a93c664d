import type { Llama, LlamaGrammar } from "node-llama-cpp";

/** Up to 15 digits: every such integer is a safe JavaScript integer (2^53 - 1 has 16). */
const safeInteger = '"-"? ("0" | [1-9] [0-9]{0,14})';
/** A finite number: safe integer part, bounded fraction, an exponent of at most two digits. */
const finiteNumber = `${safeInteger} ("." [0-9]{1,15})? ([eE] [-+]? [0-9]{1,2})?`;

/**
 * The GBNF rules node-llama-cpp 3.21.1 and llama.cpp's `json.gbnf` write for JSON numbers, and their
 * bounded replacements. The originals allow an exponent (and up to 16 digits) even for `integer`, and
 * exponents of up to 16 digits for any number, so a sampled `9999999999999696e+6969696969` is "valid"
 * yet parses to Infinity. JSON-schema `integer` becomes a plain safe integer, `number` a finite one.
 */
const rules: ReadonlyArray<[name: string, body: string]> = [
  ["integer-number-rule", safeInteger],
  ["fractional-number-rule", finiteNumber],
  ["number", `(${finiteNumber}) ws`],
];

/** `gbnf` with its JSON number rules bounded; unchanged when it has none. */
export function boundJsonNumbers(gbnf: string): string {
  let result = gbnf;
  for (const [name, body] of rules) {
    result = result.replace(new RegExp(`^${name}(\\s*)::=.*$`, "m"), `${name}$1::= ${body}`);
  }
  return result;
}

/** `grammar` itself, or an equivalent one with bounded number rules (same stop triggers and trimming). */
export async function withBoundedNumbers(llama: Llama, grammar: LlamaGrammar): Promise<LlamaGrammar> {
  const text = boundJsonNumbers(grammar.grammar);
  if (text === grammar.grammar) return grammar;
  return llama.createGrammar({
    grammar: text,
    stopGenerationTriggers: grammar.stopGenerationTriggers,
    trimWhitespaceSuffix: grammar.trimWhitespaceSuffix,
    rootRuleName: grammar.rootRuleName,
  });
}
