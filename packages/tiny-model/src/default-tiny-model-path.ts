import { fileURLToPath } from "node:url";

/**
 * The shared location of the generated model: `<repo root>/.helexa/models/tiny.gguf` (gitignored).
 * Resolved from this module's own location (`src/` or `dist/` of `packages/tiny-model`), so it does
 * not depend on the current working directory.
 */
export function defaultTinyModelPath(): string {
  return fileURLToPath(new URL("../../../.helexa/models/tiny.gguf", import.meta.url));
}
