import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { generateTinyModel } from "./generate-tiny-model.js";
import type { TinyModelOptions } from "./tiny-model-options.js";
import { writeTinyModel } from "./write-tiny-model.js";

/** What `ensureTinyModel` found or did. */
export interface EnsuredTinyModel {
  /** Absolute path of the model file. */
  path: string;
  /** True when the file was missing or stale and has just been written. */
  created: boolean;
}

/**
 * Writes the model to `path` unless a file with exactly the bytes `options` give is already there: a
 * model written by an older generator (before the fill-in-the-middle tokens, say) is replaced. Safe to
 * race: the write is atomic and the bytes are deterministic.
 */
export async function ensureTinyModel(
  path: string,
  options: TinyModelOptions = {},
): Promise<EnsuredTinyModel> {
  const target = resolve(path);
  const expected = generateTinyModel(options);
  try {
    if (Buffer.from(expected).equals(await readFile(target))) return { path: target, created: false };
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "ENOENT")) throw error;
  }
  await writeTinyModel(target, options);
  return { path: target, created: true };
}
