import { payloadTooLarge } from "@helexa/core";
import { type JsonBody, parseJsonBody } from "./parse-json-body.js";

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
  const declared = request.headers.get("content-length");
  let raw: string;
  if (declared !== null) {
    if (Number(declared) > maxBytes) throw payloadTooLarge(maxBytes);
    raw = await request.text();
  } else {
    raw = await readLimited(request, maxBytes);
  }
  return parseJsonBody(raw, requireModel);
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
