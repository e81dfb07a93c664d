/** How one request ended, as its client saw it. */
export type RequestEnd =
  /** A whole answer, or a stream that ended with its finish (and `[DONE]`). */
  | "finish"
  /** A stream that began and ended with an error frame (saying what it is charged) then `[DONE]`. */
  | "error_frame"
  /** A non-2xx reply with a well-formed error envelope (and Retry-After on 429 / 503). */
  | "refusal"
  /** Not settled within the bound. */
  | "hang"
  /** Anything else: a cut stream, a bad envelope, a broken connection. */
  | "malformed";

export interface RequestOutcome {
  stream: boolean;
  /** HTTP status; 0 when no reply came. */
  status: number;
  end: RequestEnd;
  /** Why it is malformed. */
  problem?: string;
  /** prompt + completion tokens of the usage the client received (0 when none). */
  usageTokens: number;
}

interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

/** Checks a non-2xx reply: an OpenAI error envelope, and Retry-After when the refusal is temporary. */
export function checkRefusal(status: number, retryAfter: string | null, body: string): RequestOutcome {
  const outcome = (end: RequestEnd, problem?: string): RequestOutcome => ({
    stream: false,
    status,
    end,
    usageTokens: 0,
    ...(problem === undefined ? {} : { problem }),
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return outcome("malformed", `status ${status} with a body that is not JSON: ${body.slice(0, 200)}`);
  }
  const error = (parsed as { error?: { message?: unknown; type?: unknown } }).error;
  if (typeof error?.message !== "string" || typeof error.type !== "string")
    return outcome("malformed", `status ${status} without an error envelope: ${body.slice(0, 200)}`);
  if ((status === 429 || status === 503) && !(Number(retryAfter) > 0))
    return outcome("malformed", `status ${status} without Retry-After`);
  return outcome("refusal");
}

/** Checks a whole (non-streamed) 200 answer: a choice with a finish reason, and usage. */
export function checkWhole(body: string): RequestOutcome {
  const outcome = (end: RequestEnd, usageTokens: number, problem?: string): RequestOutcome => ({
    stream: false,
    status: 200,
    end,
    usageTokens,
    ...(problem === undefined ? {} : { problem }),
  });
  try {
    const parsed = JSON.parse(body) as {
      choices?: Array<{ finish_reason?: unknown }>;
      usage?: OpenAiUsage;
    };
    if (typeof parsed.choices?.[0]?.finish_reason !== "string" || parsed.usage === undefined)
      return outcome("malformed", 0, `a 200 without a finish reason or usage: ${body.slice(0, 200)}`);
    return outcome("finish", parsed.usage.prompt_tokens + parsed.usage.completion_tokens);
  } catch {
    return outcome("malformed", 0, `a 200 that is not JSON: ${body.slice(0, 200)}`);
  }
}

/**
 * Checks a streamed 200 (`stream_options.include_usage`): every `data:` line is JSON but the last, which
 * is `[DONE]`; before it, either an error frame (which ends the stream) or a finish reason and the usage.
 */
export function checkStream(text: string): RequestOutcome {
  const outcome = (end: RequestEnd, usageTokens: number, problem?: string): RequestOutcome => ({
    stream: true,
    status: 200,
    end,
    usageTokens,
    ...(problem === undefined ? {} : { problem }),
  });
  const data = text
    .split("\n")
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(5).trim());
  if (data.at(-1) !== "[DONE]") return outcome("malformed", 0, `no [DONE] at the end: …${text.slice(-200)}`);
  const frames: Array<Record<string, unknown>> = [];
  for (const line of data.slice(0, -1)) {
    try {
      frames.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      return outcome("malformed", 0, `a data line that is not JSON: ${line.slice(0, 200)}`);
    }
  }
  const errorAt = frames.findIndex((frame) => frame.error !== undefined);
  if (errorAt >= 0) {
    const error = frames[errorAt]?.error as { message?: unknown } | undefined;
    if (errorAt !== frames.length - 1) return outcome("malformed", 0, "frames after the error frame");
    if (typeof error?.message !== "string")
      return outcome("malformed", 0, "an error frame without a message");
    // The closing error frame says what the cut stream is charged (none: nothing, e.g. a refusal that
    // came after the headers were committed).
    const charged = frames[errorAt]?.usage as OpenAiUsage | undefined;
    return outcome("error_frame", (charged?.prompt_tokens ?? 0) + (charged?.completion_tokens ?? 0));
  }
  const finished = frames.some((frame) =>
    ((frame.choices as Array<{ finish_reason?: unknown }> | undefined) ?? []).some(
      (choice) => typeof choice.finish_reason === "string",
    ),
  );
  const usage = frames.at(-1)?.usage as OpenAiUsage | undefined;
  if (!finished || usage === undefined)
    return outcome("malformed", 0, `a stream without a finish reason or usage: …${text.slice(-200)}`);
  return outcome("finish", usage.prompt_tokens + usage.completion_tokens);
}
