import { defaultTinyModelPath, ensureTinyModel } from "@helexa/tiny-model";

/** The shared generated tiny model (created on first use, gitignored). */
export async function tinyModelFile(): Promise<string> {
  return (await ensureTinyModel(defaultTinyModelPath())).path;
}
