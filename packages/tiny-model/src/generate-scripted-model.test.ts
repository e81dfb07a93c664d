import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateScriptedModel } from "./generate-scripted-model.js";
import type { ScriptedModelOptions } from "./scripted-model-options.js";

const script: ScriptedModelOptions = {
  call: ["||call: ", "lookup", "(", '{"key": "a"}', ")"],
  marker: "marker-text",
  answer: ["All done", "."],
};

describe("generateScriptedModel", () => {
  let directory = "";
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "scripted-model-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("returns the same bytes for the same script and different ones for another", () => {
    const first = generateScriptedModel(script);
    expect(Buffer.from(generateScriptedModel(script)).equals(first)).toBe(true);
    const other = generateScriptedModel({ ...script, answer: ["Done", "!"] });
    expect(Buffer.from(other).equals(first)).toBe(false);
  });

  it("writes one block of one 32-wide head, a long context and the script's texts as user-defined tokens", async () => {
    const path = join(directory, "scripted.gguf");
    await writeFile(path, generateScriptedModel({ ...script, contextLength: 65_536 }));
    const info = await readGgufFileInfo(path, { logWarnings: false });
    expect(info.architectureMetadata).toMatchObject({
      context_length: 65_536,
      embedding_length: 32,
      block_count: 1,
      attention: { head_count: 1, head_count_kv: 1 },
      rope: { dimension_count: 32 },
    });
    const tokens = info.metadata.tokenizer.ggml.tokens;
    // The tiny model's 282 tokens, then the four multi-character script tokens, then the marker.
    expect(tokens.slice(282)).toEqual(["||call: ", "lookup", '{"key": "a"}', "All done", "marker-text"]);
    expect(info.metadata.tokenizer.ggml.token_type?.slice(282)).toEqual([4, 4, 4, 4, 4]);
    expect(info.metadata.tokenizer.chat_template).toContain("<|im_start|>");
  });

  it("rejects a script it cannot encode, naming why", () => {
    expect(() => generateScriptedModel({ ...script, answer: ["(", "."] })).toThrow(/appears twice/);
    expect(() => generateScriptedModel({ ...script, marker: "x" })).toThrow(/at least two characters/);
    expect(() => generateScriptedModel({ ...script, marker: "All done" })).toThrow(
      /not be a token of answer/,
    );
    expect(() => generateScriptedModel({ ...script, answer: ["\n"] })).toThrow(/printable ASCII/);
    expect(() => generateScriptedModel({ ...script, answer: [] })).toThrow(/at least one token/);
    const long = Array.from({ length: 30 }, (_, index) => `token ${index}`);
    expect(() => generateScriptedModel({ ...script, answer: long })).toThrow(/needs 37 slots; 30 fit/);
    expect(() => generateScriptedModel({ ...script, contextLength: 0 })).toThrow(RangeError);
  });
});
