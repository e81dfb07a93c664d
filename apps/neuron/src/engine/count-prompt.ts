import { invalidRequest } from "@helexa/core/errors";
import type { EngineRequest } from "../ipc/engine-request.js";
import type { WorkerCountResult } from "../ipc/worker-protocol.js";
import { buildChatPrompt, type ChatPrompt } from "./build-chat-prompt.js";
import { type CompletionTokens, completionTokens } from "./completion-tokens.js";
import type { ModelRuntime } from "./load-model-runtime.js";
import { grammarForFormat } from "./run-chat-generation.js";

/** A counted prompt, ready for generation without rendering and tokenizing it again. */
export type PreparedPrompt =
  | { kind: "chat"; prompt: ChatPrompt }
  | { kind: "completion"; tokens: CompletionTokens };

export interface CountedPrompt {
  result: WorkerCountResult;
  prepared: PreparedPrompt;
}

/**
 * Counts the prompt exactly as generation will evaluate it (chat template and tool documentation
 * applied) and checks what else can be refused before admission (tool choice, JSON schema). With
 * `calibrate: false` a chat's `characters` and `textTokens` are 0 (its message text is not tokenized
 * alone), which leaves the supervisor's sums, and so the ratio, as they are.
 */
export async function countPrompt(
  runtime: ModelRuntime,
  request: EngineRequest,
  calibrate = true,
): Promise<CountedPrompt> {
  if (request.kind === "completion") {
    await grammarForFormat(runtime, request.responseFormat);
    const tokens = completionTokens(runtime.model, request);
    const promptTokens = tokens.all.length;
    // Only a plain text prompt is a calibration sample (token ids and infill markers have no text to measure).
    const sample = typeof request.prompt === "string" && request.infill === undefined;
    return {
      result: {
        promptTokens,
        characters: sample ? Buffer.byteLength(request.prompt as string) : 0,
        textTokens: sample ? promptTokens : 0,
      },
      prepared: { kind: "completion", tokens },
    };
  }
  const prompt = buildChatPrompt(runtime.model, runtime.chatWrapper, request);
  if (prompt.forcedToolSchema !== undefined)
    await runtime.grammars.forSchema(prompt.forcedToolSchema, "tools");
  else await grammarForFormat(runtime, request.responseFormat);
  if (prompt.functions !== undefined && request.responseFormat.type !== "text") {
    throw invalidRequest("response_format cannot be combined with tools on this neuron", "response_format");
  }
  // The chars-per-token calibration: UTF-8 bytes of the message text alone over its own tokens.
  const text = calibrate ? request.messages.map((message) => message.content).join("\n") : "";
  return {
    result: {
      promptTokens: prompt.tokens.length,
      characters: calibrate ? Buffer.byteLength(text) : 0,
      textTokens: calibrate ? runtime.model.tokenize(text).length : 0,
    },
    prepared: { kind: "chat", prompt },
  };
}
