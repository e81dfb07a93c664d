import { missingModelField, payloadTooLarge } from "@helexa/core";

/** A request body as cortex needs it: the text (forwarded as is) and its parsed object. */
export interface JsonBody {
  raw: string;
  body: Record<string, unknown>;
}

const decoder = new TextDecoder();

/**
 * Reads a JSON object body of at most `maxBytes`: 413 over the limit (checked on `Content-Length` before
 * reading, and while reading when there is none), 400 `missing_model_field` when it is not a JSON object
 * with a string `model` and `requireModel` is set.
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
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw missingModelField("request body is not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw missingModelField("request body must be a JSON object");
  }
  const record = body as Record<string, unknown>;
  if (requireModel && typeof record.model !== "string") {
    throw missingModelField("missing 'model' field in request body (a string is required)");
  }
  if (requireModel && record.model === "") throw missingModelField("'model' must not be empty");
  return { raw, body: record };
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
