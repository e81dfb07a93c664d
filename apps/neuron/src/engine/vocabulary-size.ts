import type { LlamaModel } from "node-llama-cpp";

/** How many tokens the model's vocabulary holds (ids are 0 to this − 1); undefined when the file does not say. */
export function vocabularySize(model: LlamaModel): number | undefined {
  const tokens = (model.fileInfo.metadata as { tokenizer?: { ggml?: { tokens?: unknown } } }).tokenizer?.ggml
    ?.tokens;
  return Array.isArray(tokens) ? tokens.length : undefined;
}
