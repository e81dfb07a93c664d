/** Settings both the neuron and the in-process engine run with. */
export interface EngineSettings {
  modelPath: string;
  contextSize: number;
  sequences: number;
  threads: number;
}

/** The chat both sides answer: a system prompt and one user turn, greedy. */
export const benchSystemPrompt = "You are a benchmark. Answer with plain text.";
export const benchUserPrompt = "Write a long story about a lighthouse keeper and the sea.";

/** Parent → engine child. `batch`: `concurrency` generations at once, each up to `maxTokens`. */
export interface EngineCommand {
  id: number;
  type: "batch";
  concurrency: number;
  maxTokens: number;
}

/** One generation: its completion tokens, its text and its wall time. */
export interface EngineGeneration {
  completionTokens: number;
  text: string;
  elapsedMs: number;
}

/** Engine child → parent. */
export type EngineReply =
  | { type: "ready" }
  | { id: number; type: "batch"; elapsedMs: number; generations: EngineGeneration[] }
  | { id?: number; type: "error"; message: string };
