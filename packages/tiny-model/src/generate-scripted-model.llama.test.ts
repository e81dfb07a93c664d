import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ChatHistoryItem,
  type ChatModelFunctions,
  type ChatWrapper,
  getLlama,
  type Llama,
  LlamaChat,
  type LlamaContext,
  type LlamaModel,
  resolveChatWrapper,
} from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateScriptedModel } from "./generate-scripted-model.js";

// The call's arguments spell the marker with a quote, so only the result (the command's output) holds it.
const call = ["||call: ", "run", "(", `{"command": "echo mark-'here'", "quiet": false}`, ")"];
const functions: ChatModelFunctions = {
  run: {
    description: "Runs a shell command.",
    params: {
      type: "object",
      properties: { command: { type: "string" }, quiet: { type: "boolean" } },
    },
  },
};
const question: ChatHistoryItem[] = [
  { type: "system", text: "You are a test." },
  { type: "user", text: "Run it." },
];

describe("generateScriptedModel with node-llama-cpp", () => {
  let directory = "";
  let llama: Llama;
  let model: LlamaModel;
  let context: LlamaContext;
  let chatWrapper: ChatWrapper;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "scripted-model-llama-"));
    const modelPath = join(directory, "scripted.gguf");
    await writeFile(
      modelPath,
      generateScriptedModel({
        call,
        marker: "mark-here",
        answer: ["It printed", " the mark."],
        contextLength: 4096,
      }),
    );
    llama = await getLlama({ gpu: false, build: "never", maxThreads: 1 });
    model = await llama.loadModel({ modelPath });
    context = await model.createContext({ contextSize: 4096, threads: 1 });
    chatWrapper = resolveChatWrapper(model);
  });

  afterAll(async () => {
    await context?.dispose();
    await model?.dispose();
    await llama?.dispose();
    await rm(directory, { recursive: true, force: true });
  });

  async function respond(history: ChatHistoryItem[], temperature: number) {
    const sequence = context.getSequence();
    const chat = new LlamaChat({ contextSequence: sequence, chatWrapper });
    try {
      return await chat.generateResponse(history, { functions, temperature, maxTokens: 64 });
    } finally {
      chat.dispose();
      await sequence.dispose();
    }
  }

  it("keeps the marker one token in any text", () => {
    const tokens = model.tokenize("say mark-here now");
    expect(model.detokenize(tokens)).toBe("say mark-here now");
    expect(tokens).toHaveLength(9);
  });

  it("is recognized as a ChatML model", () => {
    expect(chatWrapper.wrapperName).toBe("ChatML");
  });

  for (const temperature of [0, 1]) {
    it(`calls the function with the scripted arguments (temperature ${temperature})`, async () => {
      const result = await respond([...question, { type: "model", response: [] }], temperature);
      expect(result.functionCalls).toHaveLength(1);
      expect(result.functionCalls?.[0]).toMatchObject({
        functionName: "run",
        params: { command: "echo mark-'here'", quiet: false },
      });
      expect(result.metadata.stopReason).toBe("functionCalls");
    });

    it(`answers once the result holds the marker (temperature ${temperature})`, async () => {
      const result = await respond(
        [
          ...question,
          {
            type: "model",
            response: [
              {
                type: "functionCall",
                name: "run",
                description: "Runs a shell command.",
                params: { command: "echo mark-'here'", quiet: false },
                result: "mark-here\n",
              },
            ],
          },
        ],
        temperature,
      );
      expect(result.functionCalls ?? []).toEqual([]);
      expect(result.response).toBe("It printed the mark.");
      expect(result.metadata.stopReason).toBe("eogToken");
    });
  }

  it("calls again when the result lacks the marker (the answer depends on the result)", async () => {
    const result = await respond(
      [
        ...question,
        {
          type: "model",
          response: [
            {
              type: "functionCall",
              name: "run",
              description: "Runs a shell command.",
              params: { command: "echo mark-'here'", quiet: false },
              result: "command not found",
            },
          ],
        },
      ],
      0,
    );
    expect(result.functionCalls?.[0]?.functionName).toBe("run");
  });
});
