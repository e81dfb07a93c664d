import { redactUrlCredentials } from "@helexa/core";
import type { z } from "zod";
import type { NodeState } from "./node-state.js";

/** The `fetch` cortex uses for every neuron call; injected so tests can observe or fault it. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

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

/** GET a neuron path and validate the JSON reply; never throws. */
export async function getNeuronJson<S extends z.ZodType>(
  fetch: FetchFunction,
  node: NodeState,
  path: string,
  schema: S,
  timeoutMs: number,
): Promise<NeuronReply<z.output<S>>> {
  return callNeuron(fetch, node, path, { method: "GET", headers: neuronHeaders(node) }, schema, timeoutMs);
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
  return callNeuron(fetch, node, path, init, null, timeoutMs);
}

async function callNeuron<S extends z.ZodType>(
  fetch: FetchFunction,
  node: NodeState,
  path: string,
  init: RequestInit,
  schema: S | null,
  timeoutMs: number,
): Promise<NeuronReply<z.output<S>>> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${node.endpoint}${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    text = await response.text();
  } catch (error) {
    return { ok: false, status: null, message: describeFetchError(error) };
  }
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    return {
      ok: false,
      status: response.status,
      message: `${path}: reply is not JSON (HTTP ${response.status})`,
    };
  }
  if (!response.ok) {
    return { ok: false, status: response.status, message: `${path}: HTTP ${response.status}`, body };
  }
  if (schema === null) return { ok: true, value: body as z.output<S> };
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "(root)";
    return {
      ok: false,
      status: response.status,
      message: `${path}: unexpected reply at ${where}: ${issue?.message}`,
    };
  }
  return { ok: true, value: parsed.data };
}

/** A short reason for a failed fetch; a URL in it loses any `user:password@` (fetch quotes the URL whole). */
export function describeFetchError(error: unknown): string {
  return redactUrlCredentials(fetchErrorReason(error));
}

function fetchErrorReason(error: unknown): string {
  if (!(error instanceof Error)) return "request failed";
  if (error.name === "TimeoutError") return "timed out";
  if (error.name === "AbortError") return "aborted";
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") return code;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === "string") return cause.code;
  if (cause && typeof cause.message === "string") return cause.message;
  return error.message;
}
