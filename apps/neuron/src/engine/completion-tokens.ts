import { invalidRequest } from "@helexa/core/errors";
import { type LlamaModel, LlamaVocabularyType, type Token } from "node-llama-cpp";
import type { EngineCompletionRequest } from "../ipc/engine-request.js";
import { infillTokens } from "./infill-tokens.js";
import { vocabularySize } from "./vocabulary-size.js";

/**
 * The tokens `LlamaCompletion` evaluates for a completion prompt: the beginning-of-sequence token where
 * the vocabulary wants one (mirroring node-llama-cpp's rule), then the prompt (text, token ids, or a
 * fill-in-the-middle layout around `infill`). `body` is what to hand to `generateCompletion`, which adds
 * that first token itself.
 */
export interface CompletionTokens {
  all: Token[];
  body: Token[];
}

export function completionTokens(
  model: LlamaModel,
  request: Pick<EngineCompletionRequest, "prompt" | "infill">,
): CompletionTokens {
  const bos = beginningToken(model);
  const prompt =
    typeof request.prompt === "string"
      ? model.tokenize(request.prompt, false, bos === null ? undefined : "trimLeadingSpace")
      : tokenIds(model, request.prompt);
  const body = request.infill === undefined ? prompt : infillTokens(model, prompt, request.infill);
  return { all: bos === null ? body : [bos, ...body], body };
}

/** A token-id prompt, each id checked against the vocabulary (an unknown id is a 400 naming `prompt`). */
function tokenIds(model: LlamaModel, ids: readonly number[]): Token[] {
  const size = vocabularySize(model);
  for (const id of ids) {
    if (!Number.isSafeInteger(id) || id < 0 || (size !== undefined && id >= size)) {
      throw invalidRequest(
        `invalid 'prompt': token id ${String(id).slice(0, 24)} is not in this model's vocabulary${size === undefined ? "" : ` (0 to ${size - 1})`}`,
        "prompt",
      );
    }
  }
  return ids as Token[];
}

function beginningToken(model: LlamaModel): Token | null {
  const type = model.vocabularyType;
  if (type === LlamaVocabularyType.rwkv || type === LlamaVocabularyType.ugm) return null;
  if (type === LlamaVocabularyType.wpm) return model.tokens.bos;
  return model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
}
