import type { CompletionPrompt } from "@helexa/core";

/** A completions `prompt` as the list of prompts it holds: one for a string or token ids, else the batch. */
export function splitCompletionPrompt(prompt: CompletionPrompt): Array<string | number[]> {
  if (typeof prompt === "string") return [prompt];
  if (prompt.every((item) => typeof item === "number")) return [prompt as number[]];
  return prompt as Array<string | number[]>;
}
