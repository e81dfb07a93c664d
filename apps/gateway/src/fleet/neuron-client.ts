import { redactUrlCredentials } from "@helexa/core";
import type { z } from "zod";
import type { ReplyMemo } from "./create-reply-memo.js";
import type { NodeState } from "./node-state.js";

/**
 * A GET that hands back the status and the body's text without building a `Response` (`createHttpFetch`'s
 * own, for polls: hundreds of neurons every interval). Rejects as `fetch` does: a `TimeoutError` after
 * `timeoutMs`, a connection error with its code.
 */
export type GetText = (
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
) => Promise<{ status: number; text: string }>;

/**
 * The `fetch` cortex uses for every neuron call; injected so tests can observe or fault it. `getText`, when
 * the transport has one, serves `getNeuronJson` instead.
 */
export type FetchFunction = ((input: string | URL | Request, init?: RequestInit) => Promise<Response>) & {
  readonly getText?: GetText;
};

/** Outcome of a neuron control call: a parsed body, or why there is none. */
export type NeuronReply<T> =
  | { ok: true; value: T }
  | { ok: false; status: number | null; message: string; body?: unknown };

/** Headers for a control call to a neuron: its own token, never a client's. */
export function neuronHeaders(node: NodeState, json = false): Record<string, string> {
  const headers: Record<string, string> = {};
  if (node.authToken !== undefined) headers.authorization = `Bearer ${node.authToken}`;
  if (json) headers["content-type"] = "application/json";
  return headers;
}

/**
 * GET a neuron path and validate the JSON reply; never throws. With a `memo`, a body identical to the
 * node's last valid one at `path` is not validated again: its value is reused.
 */
export async function getNeuronJson<S extends z.ZodType>(
  fetch: FetchFunction,
  node: NodeState,
  path: string,
  schema: S,
  timeoutMs: number,
  memo?: ReplyMemo,
): Promise<NeuronReply<z.output<S>>> {
  let reply: { status: number; text: string };
  try {
    const url = `${node.endpoint}${path}`;
    const headers = neuronHeaders(node);
    reply = fetch.getText
      ? await fetch.getText(url, headers, timeoutMs)
      : await readText(fetch, url, { method: "GET", headers }, timeoutMs);
  } catch (error) {
    return { ok: false, status: null, message: describeFetchError(error) };
  }
  const { status, text } = reply;
  const recalled = status >= 200 && status < 300 ? memo?.recall(node, path, schema, text) : undefined;
  if (recalled !== undefined) return { ok: true, value: recalled.value as z.output<S> };
  const validated = validateReply(path, status, text, schema);
  if (validated.ok) memo?.remember(node, path, schema, text, validated.value);
  return validated;
}

/** POST JSON to a neuron path; a 2xx with any JSON body is success. Never throws. */
export async function postNeuronJson(
  fetch: FetchFunction,
  node: NodeState,
  path: string,
  body: unknown,
  timeoutMs: number,
): Promise<NeuronReply<unknown>> {
  const init = { method: "POST", headers: neuronHeaders(node, true), body: JSON.stringify(body) };
  let reply: { status: number; text: string };
  try {
    reply = await readText(fetch, `${node.endpoint}${path}`, init, timeoutMs);
  } catch (error) {
    return { ok: false, status: null, message: describeFetchError(error) };
  }
  return validateReply(path, reply.status, reply.text, null);
}

async function readText(
  fetch: FetchFunction,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, text: await response.text() };
}

/** A reply's text as a `NeuronReply`: JSON, then a 2xx status, then the schema (none: any JSON). */
function validateReply<S extends z.ZodType>(
  path: string,
  status: number,
  text: string,
  schema: S | null,
): NeuronReply<z.output<S>> {
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    return { ok: false, status, message: `${path}: reply is not JSON (HTTP ${status})` };
  }
  if (status < 200 || status >= 300) return { ok: false, status, message: `${path}: HTTP ${status}`, body };
  if (schema === null) return { ok: true, value: body as z.output<S> };
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "(root)";
    return { ok: false, status, message: `${path}: unexpected reply at ${where}: ${issue?.message}` };
  }
  return { ok: true, value: parsed.data };
}

/** A short reason for a failed fetch; a URL in it loses any `user:password@` (fetch quotes the URL whole). */
export function describeFetchError(error: unknown): string {
  return redactUrlCredentials(fetchErrorReason(error));
}

const CONNECT_TIMED_OUT = "connect timed out";

/** undici's codes for what Node's own errors would name: the words a log or an error body shows instead. */
const UNDICI_REASONS: Readonly<Record<string, string>> = {
  UND_ERR_SOCKET: "connection closed by the neuron",
  UND_ERR_CONNECT_TIMEOUT: CONNECT_TIMED_OUT,
  UND_ERR_HEADERS_OVERFLOW: "reply headers too large",
};

/** `describeFetchError` reasons that mean nothing is listening there (no neuron at that address). */
const UNREACHABLE_REASONS: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  CONNECT_TIMED_OUT,
]);

/** Whether a `describeFetchError` reason means the neuron cannot be reached at all. */
export function isUnreachable(reason: string): boolean {
  return UNREACHABLE_REASONS.has(reason);
}

function fetchErrorReason(error: unknown): string {
  if (!(error instanceof Error)) return "request failed";
  if (error.name === "TimeoutError") return "timed out";
  if (error.name === "AbortError") return "aborted";
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") return UNDICI_REASONS[code] ?? code;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === "string") return UNDICI_REASONS[cause.code] ?? cause.code;
  if (cause && typeof cause.message === "string") return cause.message;
  return error.message;
}
