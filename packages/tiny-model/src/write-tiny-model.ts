import { createHash, randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { generateTinyModel } from "./generate-tiny-model.js";
import type { TinyModelOptions } from "./tiny-model-options.js";

/** What `writeTinyModel` wrote. */
export interface WrittenTinyModel {
  /** Absolute path of the model file. */
  path: string;
  /** Lower-case hex sha256 of the file. */
  sha256: string;
  /** File size in bytes. */
  byteLength: number;
}

/**
 * Generates the model and writes it to `path`, creating parent directories. The bytes go to a
 * temporary file in the same directory that is then renamed into place, so concurrent readers
 * (or a concurrent writer) never see a partial file.
 */
export async function writeTinyModel(
  path: string,
  options: TinyModelOptions = {},
): Promise<WrittenTinyModel> {
  const target = resolve(path);
  const bytes = generateTinyModel(options);
  await mkdir(dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return {
    path: target,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    byteLength: bytes.byteLength,
  };
}
