/** Why a generation ended, in OpenAI terms; `abort` when the client went away. */
export type FinishReason = "stop" | "length" | "tool_calls" | "abort";

export interface GenerationUsage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens whose KV state was reused from an earlier request on the same sequence. */
  cachedTokens: number;
  /** Completion tokens spent in reasoning (thought) segments. */
  reasoningTokens: number;
}

/** One step of a generation, as streamed from a worker. */
export type GenerationEvent =
  | { type: "delta"; content?: string; reasoning?: string }
  | { type: "tool_call"; index: number; id: string; name: string; arguments: string }
  | {
      type: "done";
      finishReason: FinishReason;
      usage: GenerationUsage;
      /** The request `stop` string that ended generation, when one did. */
      stopSequence?: string;
      /**
       * Milliseconds from the first token to this event, when the worker held the events back (a
       * non-streamed request) and the supervisor could not see the first token arrive.
       */
      firstTokenLeadMs?: number;
    }
  /**
   * The generation broke off. `retryAfterSecs` when nothing about the request was at fault and it may be
   * retried (its worker died or stalled): a reply not yet started is then 503 + Retry-After, not 500.
   */
  | { type: "error"; message: string; retryAfterSecs?: number };
