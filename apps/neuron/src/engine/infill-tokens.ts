import { invalidRequest } from "@helexa/core/errors";
import type { LlamaModel, Token } from "node-llama-cpp";
import type { EngineInfill } from "../ipc/engine-request.js";

/** llama.cpp's separator before each `input_extra` chunk on models without a file-separator token. */
const extraChunkSeparator = "\n\n--- snippet ---\n\n";

/**
 * The fill-in-the-middle prompt, as llama.cpp's `/infill` lays it out: the extra chunks, then
 * `<prefix token> prefix <suffix token> suffix <middle token> middle` (suffix first when the model has no
 * middle token, as node-llama-cpp's `generateInfillCompletion` does). Built here rather than by
 * `generateInfillCompletion` so the prompt is counted exactly, refused whole when it does not fit (that
 * method cuts it to fit), and can carry the extra chunks and the middle's start. A model without
 * prefix and suffix tokens is a 400 naming the field that asked for infill.
 */
export function infillTokens(model: LlamaModel, prefix: Token[], infill: EngineInfill): Token[] {
  const { prefix: prefixToken, suffix: suffixToken, middle: middleToken } = model.tokens.infill;
  if (prefixToken == null || suffixToken == null) {
    throw invalidRequest(
      `this model has no fill-in-the-middle tokens, so it cannot complete around '${infill.param}'`,
      infill.param,
    );
  }
  const text = (value: string): Token[] => model.tokenize(value, false, "trimLeadingSpace");
  const tokens: Token[] = [];
  for (const chunk of infill.extra ?? []) tokens.push(...text(extraChunkSeparator), ...text(chunk));
  const suffix = text(infill.suffix);
  if (middleToken == null) tokens.push(suffixToken, ...suffix, prefixToken, ...prefix);
  else tokens.push(prefixToken, ...prefix, suffixToken, ...suffix, middleToken);
  if (infill.middle !== undefined && infill.middle !== "") tokens.push(...text(infill.middle));
  return tokens;
}
