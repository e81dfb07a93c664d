import { type LlamaModel, LlamaVocabularyType, type Token } from "node-llama-cpp";

/**
 * The tokens `LlamaCompletion` evaluates for a text prompt: the beginning-of-sequence token where the
 * vocabulary wants one (mirroring node-llama-cpp's rule), then the text. `body` is what to hand to
 * `generateCompletion`, which adds that first token itself.
 */
export interface CompletionTokens {
  all: Token[];
  body: Token[];
}

export function completionTokens(model: LlamaModel, prompt: string): CompletionTokens {
  const bos = beginningToken(model);
  const body = model.tokenize(prompt, false, bos === null ? undefined : "trimLeadingSpace");
  return { all: bos === null ? body : [bos, ...body], body };
}

function beginningToken(model: LlamaModel): Token | null {
  const type = model.vocabularyType;
  if (type === LlamaVocabularyType.rwkv || type === LlamaVocabularyType.ugm) return null;
  if (type === LlamaVocabularyType.wpm) return model.tokens.bos;
  return model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
}
