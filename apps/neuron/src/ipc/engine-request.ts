/**
 * What the supervisor asks a model worker for, already validated and independent of the HTTP dialect.
 * Plain data: it crosses the IPC channel by structured clone.
 */

/** One chat turn with text content; tool calls and results carry their ids. */
export interface EngineMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  toolCalls?: EngineToolCall[];
  toolCallId?: string;
}

export interface EngineToolCall {
  id: string;
  name: string;
  /** JSON text, as OpenAI sends it. */
  arguments: string;
}

export interface EngineTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters?: Record<string, unknown>;
}

export type EngineToolChoice = "auto" | "none" | "required" | { name: string };

export type EngineResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; schema: Record<string, unknown> };

export interface EngineSampling {
  /** 0 = greedy. */
  temperature: number;
  topP?: number;
  topK?: number;
  minP?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  /** llama.cpp repeat penalty (1 = off). */
  repeatPenalty?: number;
  /** Token id → bias added to its logit, OpenAI `logit_bias` semantics (-100 bans). */
  logitBias?: Record<string, number>;
  /**
   * Log-probabilities wanted for each generated token: how many alternatives each one lists besides
   * itself (0 = the chosen token's only). Absent: none are computed.
   */
  logprobs?: number;
  /** Requested completion budget; the worker clamps it to the room left in the context. */
  maxTokens?: number;
  stop: string[];
}

export interface EngineChatRequest {
  kind: "chat";
  messages: EngineMessage[];
  tools: EngineTool[];
  toolChoice: EngineToolChoice;
  /** false = at most one tool call per turn. */
  parallelToolCalls?: boolean;
  responseFormat: EngineResponseFormat;
  sampling: EngineSampling;
  /** The client field `messages` came from, when not chat's own: Responses `input`. */
  promptField?: "input";
  /** The request body's prefix-block hashes (`prefixBlockHashes`), recorded on the sequence it runs in. */
  prefixBlocks?: string[];
}

export interface EngineCompletionRequest {
  kind: "completion";
  /** Text, or token ids (OpenAI accepts both). With `infill`, what comes before the gap. */
  prompt: string | number[];
  /** Fill-in-the-middle: generate what goes between `prompt` and `infill.suffix`. */
  infill?: EngineInfill;
  /** Start the reply with the prompt's text (OpenAI `echo`). */
  echo?: boolean;
  responseFormat: EngineResponseFormat;
  sampling: EngineSampling;
  /** The request body's prefix-block hashes (`prefixBlockHashes`), recorded on the sequence it runs in. */
  prefixBlocks?: string[];
}

/** The parts of a fill-in-the-middle prompt besides the prefix (llama.cpp `/infill`'s fields). */
export interface EngineInfill {
  /** The text after the gap. */
  suffix: string;
  /** Other files' text for context (llama.cpp's `input_extra`), placed before the prefix. */
  extra?: string[];
  /** The start of the middle, after the middle token (`/infill`'s `prompt`). */
  middle?: string;
  /** The client field that asked for infill, for a refusal's `param`: `suffix` or `input_suffix`. */
  param: "suffix" | "input_suffix";
}

export type EngineRequest = EngineChatRequest | EngineCompletionRequest;
