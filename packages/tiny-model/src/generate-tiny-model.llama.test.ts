import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ChatWrapper,
  getLlama,
  type Llama,
  LlamaChatSession,
  LlamaCompletion,
  type LlamaContext,
  type LlamaModel,
  resolveChatWrapper,
} from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTinyModel } from "./generate-tiny-model.js";

// One thread: node-llama-cpp's default of 4 is hundreds of times slower on small CI machines.
describe("generateTinyModel with node-llama-cpp", () => {
  let directory = "";
  let llama: Llama;
  let model: LlamaModel;
  let context: LlamaContext;
  let chatWrapper: ChatWrapper;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "tiny-model-llama-"));
    const modelPath = join(directory, "tiny.gguf");
    await writeFile(modelPath, generateTinyModel());
    llama = await getLlama({ gpu: false, build: "never", maxThreads: 1 });
    model = await llama.loadModel({ modelPath });
    context = await model.createContext({ contextSize: 2048, threads: 1 });
    // Resolving is synchronous and slow (~0.5 s); do it once and pass it to every session.
    chatWrapper = resolveChatWrapper(model);
  });

  afterAll(async () => {
    await context?.dispose();
    await model?.dispose();
    await llama?.dispose();
    await rm(directory, { recursive: true, force: true });
  });

  async function ask(prompt: string): Promise<string> {
    const sequence = context.getSequence();
    const session = new LlamaChatSession({
      contextSequence: sequence,
      chatWrapper,
      systemPrompt: "You are a test.",
    });
    try {
      return await session.prompt(prompt, { temperature: 0, maxTokens: 16 });
    } finally {
      session.dispose();
      await sequence.dispose();
    }
  }

  it("loads with the shape and special tokens it was written with", () => {
    expect(model.trainContextSize).toBe(2048);
    expect(model.embeddingVectorSize).toBe(64);
    expect(model.tokens.bos).toBe(276);
    expect(model.tokens.eos).toBe(278);
  });

  it("has fill-in-the-middle tokens node-llama-cpp infills with", async () => {
    expect(model.tokens.infill).toMatchObject({ prefix: 279, suffix: 280, middle: 281 });
    const sequence = context.getSequence();
    const completion = new LlamaCompletion({ contextSequence: sequence });
    try {
      expect(completion.infillSupported).toBe(true);
      const middle = await completion.generateInfillCompletion("def f(", "):", {
        temperature: 0,
        maxTokens: 8,
      });
      expect(middle).toMatch(/^[\x20-\x7e]+$/);
    } finally {
      completion.dispose();
      await sequence.dispose();
    }
  });

  it("is recognized as a ChatML model", () => {
    expect(chatWrapper.wrapperName).toBe("ChatML");
  });

  it("answers greedily with the same visible text every time", async () => {
    const first = await ask("Hi");
    const second = await ask("Hi");
    expect(first.trim()).not.toBe("");
    expect(first).toMatch(/^[\x20-\x7e]+$/);
    expect(second).toBe(first);
  });

  it("round-trips text through the tokenizer, merging where it can", () => {
    const text = "Hello, the world! <|im_start|> café\n";
    const tokens = model.tokenize(text);
    expect(model.detokenize(tokens)).toBe(text);
    expect(tokens.length).toBeLessThan(new TextEncoder().encode(text).byteLength);
  });

  it("keeps chat control tokens whole when special tokens are enabled", () => {
    expect(model.tokenize("<|im_start|>user<|im_end|>", true)).toEqual([277, 117, 115, 259, 278]);
    expect(model.tokenize("<|im_start|>", false)).not.toContain(277);
  });
});
