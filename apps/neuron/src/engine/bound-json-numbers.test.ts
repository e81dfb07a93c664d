import { describe, expect, it } from "vitest";
import { boundJsonNumbers } from "./bound-json-numbers.js";

// As node-llama-cpp 3.21.1 writes them for `{count: integer, x: number}`, and as llama.cpp's json.gbnf has it.
const schemaGrammar = [
  'root ::= "{" "\\"count\\"" ":" [ ]? integer-number-rule "," "\\"x\\"" ":" [ ]? fractional-number-rule "}"',
  'integer-number-rule ::= "-"? ("0" | [1-9] [0-9]{0,15}) ([eE] [-+]? ("0" | [1-9] [0-9]{0,15}))?',
  'fractional-number-rule ::= "-"? ("0" | [1-9] [0-9]{0,15}) ("." [0-9]{1,16})? ([eE] [-+]? ("0" | [1-9] [0-9]{0,15}))?',
].join("\n");
const jsonGrammar = [
  "value  ::= object | array | string | number",
  'number ::= ("-"? ([0-9] | [1-9] [0-9]{0,15})) ("." [0-9]+)? ([eE] [-+]? [0-9] [1-9]{0,15})? ws',
  'ws ::= | " "',
].join("\n");

describe("boundJsonNumbers", () => {
  it("makes integers plain 15-digit integers and bounds number exponents", () => {
    const lines = boundJsonNumbers(schemaGrammar).split("\n");
    expect(lines[0]).toBe(schemaGrammar.split("\n")[0]);
    expect(lines[1]).toBe('integer-number-rule ::= "-"? ("0" | [1-9] [0-9]{0,14})');
    expect(lines[2]).toBe(
      'fractional-number-rule ::= "-"? ("0" | [1-9] [0-9]{0,14}) ("." [0-9]{1,15})? ([eE] [-+]? [0-9]{1,2})?',
    );
  });

  it("bounds json.gbnf's number rule and leaves the rest", () => {
    const lines = boundJsonNumbers(jsonGrammar).split("\n");
    expect(lines[0]).toBe("value  ::= object | array | string | number");
    expect(lines[1]).toBe(
      'number ::= ("-"? ("0" | [1-9] [0-9]{0,14}) ("." [0-9]{1,15})? ([eE] [-+]? [0-9]{1,2})?) ws',
    );
    expect(lines[2]).toBe('ws ::= | " "');
  });

  it("leaves a grammar without number rules unchanged", () => {
    const text = 'root ::= "{" string-rule "}"\nstring-rule ::= "\\"" [a-z]* "\\""';
    expect(boundJsonNumbers(text)).toBe(text);
  });
});
