import {
  clientClosedRequest,
  formatZodIssue,
  HelexaError,
  invalidRequest,
  payloadTooLarge,
} from "@helexa/core";
import type { Context } from "hono";
import type { z } from "zod";
import { nodeOutgoing } from "./node-outgoing.js";

/** UTF-8, dropping a leading byte-order mark (as lenient JSON readers do; cortex does the same). */
const decoder = new TextDecoder("utf-8");

/**
 * Reads and parses the JSON body (at most `limitBytes`), then validates it: malformed JSON and wrong
 * types become 400 envelopes, the latter with `param` naming the field.
 */
export async function readJsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  limitBytes: number,
): Promise<z.output<S>> {
  const text = await readLimitedText(c, limitBytes).catch((error: unknown) => {
    if (HelexaError.is(error)) throw error;
    // The client went away (or its request timed out) before the body ended: its doing, not logged as ours.
    throw clientClosedRequest();
  });
  if (text.trim() === "") throw invalidRequest("request body is empty; expected a JSON object");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw invalidRequest(`request body is not valid JSON: ${detail}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw invalidRequest("request body must be a JSON object");
  }
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue === undefined) throw invalidRequest("invalid request body");
  const { param, message } = formatZodIssue(issue);
  throw invalidRequest(message, param);
}

/**
 * The body as UTF-8 text, never more than `limitBytes` of it in memory: 413, and the connection closes after
 * the reply instead of reading the rest. With a declared `Content-Length` (what SDKs send) the length is
 * checked first and the body read whole through the Node adapter's direct read: Node's parser ends the body
 * at that length, so it cannot grow past it, and no web stream is built per request. A chunked upload is
 * read chunk by chunk and abandoned at the first byte past the limit.
 */
async function readLimitedText(c: Context, limitBytes: number): Promise<string> {
  const tooLarge = () => {
    const outgoing = nodeOutgoing(c);
    if (outgoing !== undefined) outgoing.shouldKeepAlive = false;
    return payloadTooLarge(limitBytes);
  };
  const declared = c.req.header("content-length");
  if (declared !== undefined) {
    if (Number(declared) > limitBytes) throw tooLarge();
    return await c.req.text();
  }
  const body = c.req.raw.body;
  if (body === null) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? decoder.decode(chunks[0]) : decoder.decode(Buffer.concat(chunks));
}
