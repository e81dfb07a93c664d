import { stubModelId } from "./neuron-look-alike.js";

/** The chat completion body every gateway benchmark sends (about the size of a short real prompt). */
export function chatRequestBody(options: { stream?: boolean; model?: string } = {}): string {
  return JSON.stringify({
    model: options.model ?? stubModelId,
    messages: [
      { role: "system", content: "You are a terse assistant." },
      { role: "user", content: "Say hello to the benchmark in one short sentence, please." },
    ],
    max_tokens: 16,
    ...(options.stream === true ? { stream: true } : {}),
  });
}
