/** OpenAI `error.type` values helexa emits. */
export type OpenAiErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "insufficient_quota"
  | "api_error"
  | "overloaded_error";

/** Everything a `HelexaError` carries; `param`, `extras`, `retryAfterSecs` and `isOverload` are optional. */
export interface HelexaErrorOptions {
  statusCode: number;
  type: OpenAiErrorType;
  code: string | null;
  message: string;
  param?: string | null;
  /** Diagnostic fields rendered inside `error` (e.g. `max`, `prompt_len`). */
  extras?: Record<string, unknown>;
  /** Seconds for the `Retry-After` header; set only on conditions a client should retry. */
  retryAfterSecs?: number;
  /** Fleet backpressure (admission full, no capacity): Anthropic clients get 529 `overloaded_error`. */
  isOverload?: boolean;
  /**
   * Retrying the same request cannot succeed (budget spent, prompt too long, unknown model): rendered
   * with `x-should-retry: false`, which the OpenAI and Anthropic SDKs obey before their status rules
   * (both retry every 429 otherwise).
   */
  permanent?: boolean;
  /**
   * Response headers rendered with the error and never put in its body (`x-request-id`,
   * `X-Helexa-Advice`); they come after `Retry-After` / `x-should-retry`.
   */
  headers?: Readonly<Record<string, string>>;
  cause?: unknown;
}

/**
 * An expected failure with everything needed to answer it in either dialect. Thrown by handlers and
 * rendered by one `onError` per app.
 */
export class HelexaError extends Error {
  readonly statusCode: number;
  readonly type: OpenAiErrorType;
  readonly code: string | null;
  readonly param: string | null;
  readonly extras: Record<string, unknown>;
  readonly retryAfterSecs: number | undefined;
  readonly isOverload: boolean;
  readonly permanent: boolean;
  readonly headers: Readonly<Record<string, string>>;

  constructor(options: HelexaErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "HelexaError";
    this.statusCode = options.statusCode;
    this.type = options.type;
    this.code = options.code;
    this.param = options.param ?? null;
    this.extras = options.extras ?? {};
    this.retryAfterSecs = options.retryAfterSecs;
    this.isOverload = options.isOverload ?? false;
    this.permanent = options.permanent ?? false;
    this.headers = options.headers ?? {};
  }

  /** A copy with some options replaced (a `cause` not given is kept). */
  with(changes: Partial<HelexaErrorOptions>): HelexaError {
    return new HelexaError({
      statusCode: this.statusCode,
      type: this.type,
      code: this.code,
      message: this.message,
      param: this.param,
      extras: this.extras,
      ...(this.retryAfterSecs === undefined ? {} : { retryAfterSecs: this.retryAfterSecs }),
      isOverload: this.isOverload,
      permanent: this.permanent,
      headers: this.headers,
      cause: this.cause,
      ...changes,
    });
  }

  /** A copy that also renders `headers` (they win over headers of the same name already there). */
  withHeaders(headers: Readonly<Record<string, string>>): HelexaError {
    return this.with({ headers: { ...this.headers, ...headers } });
  }

  /** Whether a client may retry the same request later (a `Retry-After` is set, or the status says so). */
  get isRetryable(): boolean {
    if (this.permanent) return false;
    return this.retryAfterSecs !== undefined || this.statusCode === 429 || this.statusCode === 503;
  }

  /** Type guard that also works across package copies. */
  static is(value: unknown): value is HelexaError {
    return value instanceof HelexaError || (value instanceof Error && value.name === "HelexaError");
  }
}
