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

/** A token with its log-probability (natural log, <= 0); `bytes` are its text's UTF-8 bytes. */
export interface TokenLogprobEntry {
  token: string;
  logprob: number;
  bytes: number[];
}

/** A generated token's log-probability and the most likely alternatives at its position, best first. */
export interface TokenLogprob extends TokenLogprobEntry {
  top: TokenLogprobEntry[];
}

/** One step of a generation, as streamed from a worker. */
export type GenerationEvent =
  /**
   * `logprobs`: the tokens released with this delta, when the request asked for them. `tokens`: how many
   * generated tokens this delta releases (streamed generations), so a generation that breaks off can be
   * charged what it made.
   */
  | { type: "delta"; content?: string; reasoning?: string; logprobs?: TokenLogprob[]; tokens?: number }
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
   * `usage`: what a streamed generation made before it broke off (prompt + the completion tokens its
   * deltas released), set by the supervisor; it is what the request is charged and the closing error
   * frame says so.
   */
  | { type: "error"; message: string; retryAfterSecs?: number; usage?: GenerationUsage };
