import { canonicalPromptText } from "../internal/canonical-prompt-text.js";
import { chainHash } from "../internal/chain-hash.js";

/**
 * Characters per prefix block: 256 characters, about 64 tokens at 4 characters per token (llm-d's
 * guide uses 64-token blocks). Smaller blocks match a little more of a prompt and cost more hashes.
 */
export const PREFIX_BLOCK_CHARS = 256;

/**
 * Most blocks hashed per request: 4096 × 256 characters is 1 MiB of prompt text, far past any context
 * a neuron serves; a longer prompt is matched on its first MiB.
 */
export const MAX_PREFIX_BLOCKS = 4096;

/**
 * Chained hashes of a request's prompt in fixed blocks of `blockChars` characters of its canonical text
 * (see docs/decisions/0007-cache-aware-routing.md): block i's hash covers blocks 0..i, so one equal hash
 * means an equal prefix up to there. Only whole blocks are hashed. cortex computes them once per request
 * on the body it forwards; the neuron computes them on the body it receives, so both cut the same
 * blocks without a tokenizer. `route` is the upstream route (`/v1/chat/completions`, `/v1/completions`,
 * `/v1/responses`); other routes and token-id prompts give `[]`.
 */
export function prefixBlockHashes(
  route: string,
  body: unknown,
  blockChars: number = PREFIX_BLOCK_CHARS,
): string[] {
  const text = canonicalPromptText(route, body);
  const whole = Math.min(Math.floor(text.length / blockChars), MAX_PREFIX_BLOCKS);
  const hashes: string[] = [];
  let previous: string | undefined;
  for (let index = 0; index < whole; index++) {
    previous = chainHash(text.slice(index * blockChars, (index + 1) * blockChars), previous);
    hashes.push(previous);
  }
  return hashes;
}
