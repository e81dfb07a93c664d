import { access } from "node:fs/promises";
import { resolve } from "node:path";
import type { TinyModelOptions } from "./tiny-model-options.js";
import { writeTinyModel } from "./write-tiny-model.js";

/** What `ensureTinyModel` found or did. */
export interface EnsuredTinyModel {
  /** Absolute path of the model file. */
  path: string;
  /** True when the file was missing and has just been written. */
  created: boolean;
}

/**
 * Writes the model to `path` only when no file exists there; an existing file is trusted as is and
 * is not compared with `options`. Safe to race: the write is atomic and the bytes are deterministic.
 */
export async function ensureTinyModel(
  path: string,
  options: TinyModelOptions = {},
): Promise<EnsuredTinyModel> {
  const target = resolve(path);
  try {
    await access(target);
    return { path: target, created: false };
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "ENOENT")) throw error;
  }
  await writeTinyModel(target, options);
  return { path: target, created: true };
}
