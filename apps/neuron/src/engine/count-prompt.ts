import type { EngineRequest } from "../ipc/engine-request.js";
import type { WorkerCountResult } from "../ipc/worker-protocol.js";
import { buildChatPrompt } from "./build-chat-prompt.js";
import { completionTokens } from "./completion-tokens.js";
import type { ModelRuntime } from "./load-model-runtime.js";
import { RequestRejection } from "./request-rejection.js";
import { grammarForFormat } from "./run-chat-generation.js";

/**
 * Counts the prompt exactly as generation will evaluate it (chat template and tool documentation
 * applied) and checks what else can be refused before admission (tool choice, JSON schema).
 */
export async function countPrompt(runtime: ModelRuntime, request: EngineRequest): Promise<WorkerCountResult> {
  if (request.kind === "completion") {
    await grammarForFormat(runtime, request.responseFormat);
    const promptTokens = completionTokens(runtime.model, request.prompt).all.length;
    return { promptTokens, characters: Buffer.byteLength(request.prompt), textTokens: promptTokens };
  }
  const prompt = buildChatPrompt(runtime.model, runtime.chatWrapper, request);
  if (prompt.forcedToolSchema !== undefined)
    await runtime.grammars.forSchema(prompt.forcedToolSchema, "tools");
  else await grammarForFormat(runtime, request.responseFormat);
  if (prompt.functions !== undefined && request.responseFormat.type !== "text") {
    throw new RequestRejection(
      400,
      "response_format cannot be combined with tools on this neuron",
      "response_format",
    );
  }
  return { promptTokens: prompt.tokens.length, characters: prompt.characters, textTokens: prompt.textTokens };
}
