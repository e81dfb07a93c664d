import { clientClosedRequest, HelexaError, payloadTooLarge } from "@helexa/core";
import { type JsonBody, parseJsonBody } from "../serve-pass-through.js";

const decoder = new TextDecoder();

/**
 * Reads a JSON object body of at most `maxBytes`: 413 over the limit (checked on `Content-Length` before
 * reading, and while reading when there is none), 400 `invalid_json` when it does not parse,
 * 400 `missing_model_field` when it is not a JSON object with a string `model` and `requireModel` is set.
 */
export async function readJsonBody(
  request: Request,
  maxBytes: number,
  requireModel = true,
): Promise<JsonBody> {
  return parseJsonBody(await readRequestText(request, maxBytes), requireModel);
}

/**
 * A WHATWG request's body as text of at most `maxBytes`: 413 when a declared `Content-Length` (before
 * reading) or the bytes read (without one) pass the limit; 499 when the client went away (or its request
 * timed out) before the body ended, which is the client's doing and not logged as cortex's error.
 */
export async function readRequestText(request: Request, maxBytes: number): Promise<string> {
  try {
    const declared = request.headers.get("content-length");
    if (declared === null) return await readLimited(request, maxBytes);
    if (Number(declared) > maxBytes) throw payloadTooLarge(maxBytes);
    return await request.text();
  } catch (error) {
    if (HelexaError.is(error)) throw error;
    throw clientClosedRequest();
  }
}

async function readLimited(request: Request, maxBytes: number): Promise<string> {
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw payloadTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? decoder.decode(chunks[0]) : decoder.decode(Buffer.concat(chunks));
}
