import type { Logger } from "../internal/logger.js";
import { previousResponseNotFound } from "./previous-response-not-found.js";
import type { ResponseStore } from "./response-store.js";

/** Output item types a neuron accepts back as input (see the neuron's `responses-request.ts`). */
const CARRIED_OUTPUT_TYPES: ReadonlySet<string> = new Set(["message", "function_call", "reasoning"]);

/** A `/v1/responses` request made ready for the neuron, and what to do with its reply. */
export interface ResponsesTurn {
  /** The body to send: `input` expanded with the previous turn, no `previous_response_id`. */
  body: Record<string, unknown>;
  /** Whether `body` differs from the client's (then the raw text cannot be sent as is). */
  changed: boolean;
  /** Whether the reply is to be stored (`store` not false). */
  keeps: boolean;
  /** The client's `previous_response_id`, to echo in the reply; null when none. */
  previousResponseId: string | null;
  /** Stores the finished Response object (when `store` is not false); never throws. */
  record(response: Record<string, unknown>): void;
}

export interface PrepareResponsesTurnDeps {
  store: ResponseStore;
  logger: Logger;
  now: () => number;
}

/**
 * Resolves `previous_response_id` (the owner's own stored responses only; else 400 with param
 * `previous_response_id`): the new `input` is the previous turn's input items, its output items (messages,
 * function calls, reasoning) and then the request's own input. `instructions` are not carried over (as
 * OpenAI: only the new request's apply). Pre-validation and budget then see the expanded input, which is
 * what the neuron evaluates.
 */
export async function prepareResponsesTurn(
  body: Record<string, unknown>,
  owner: string | null,
  deps: PrepareResponsesTurnDeps,
): Promise<ResponsesTurn> {
  const previousId = body.previous_response_id;
  const ownInput = asItems(body.input);
  let input = ownInput;
  let next = body;
  let changed = false;
  if (typeof previousId === "string") {
    const previous = await deps.store.get(previousId, owner);
    if (previous === undefined) throw previousResponseNotFound(previousId);
    const output = Array.isArray(previous.response.output) ? previous.response.output : [];
    const carried = output.filter(
      (item): item is Record<string, unknown> =>
        typeof item === "object" && item !== null && CARRIED_OUTPUT_TYPES.has(String(item.type)),
    );
    input = [...previous.input, ...carried, ...ownInput];
  }
  if ("previous_response_id" in body) {
    const { previous_response_id: _dropped, ...rest } = body;
    next = typeof previousId === "string" ? { ...rest, input } : rest;
    changed = true;
  }
  const keep = body.store !== false;
  const model = typeof body.model === "string" ? body.model : "";
  const instructions = typeof body.instructions === "string" ? body.instructions : null;
  return {
    body: next,
    changed,
    keeps: keep,
    previousResponseId: typeof previousId === "string" ? previousId : null,
    record(response) {
      if (!keep || typeof response.id !== "string") return;
      try {
        deps.store.put({
          id: response.id,
          owner,
          model: typeof response.model === "string" ? response.model : model,
          input,
          instructions,
          response,
          createdAtMs: deps.now(),
        });
      } catch (error) {
        deps.logger.error({ event: "response_store_failed", err: error }, "could not store the response");
      }
    },
  };
}

/** `input` as items: a string is one user message. */
function asItems(input: unknown): unknown[] {
  if (typeof input === "string") return [{ type: "message", role: "user", content: input }];
  return Array.isArray(input) ? input : [];
}
