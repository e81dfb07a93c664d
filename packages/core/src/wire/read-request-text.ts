import { clientClosedRequest, payloadTooLarge } from "../errors/client-errors.js";
import { HelexaError } from "../errors/helexa-error.js";

/** UTF-8, dropping a leading byte-order mark (as lenient JSON readers do). */
const decoder = new TextDecoder();

/**
 * A request's body as UTF-8 text, never more than `maxBytes` of it in memory. With a declared
 * `Content-Length` (what SDKs send) the length is checked first and the body read whole: Node's parser ends
 * it at that length, so it cannot grow past it. A chunked upload is read chunk by chunk and abandoned at the
 * first byte past the limit. Over the limit: 413 (the caller closes the connection after the reply rather
 * than read the rest). A body that never ends (the client went away, or its request timed out): 499, the
 * client's doing, not an error of the server's.
 */
export async function readRequestText(request: Request, maxBytes: number): Promise<string> {
  try {
    const declared = request.headers.get("content-length");
    if (declared === null) return await readChunked(request, maxBytes);
    if (Number(declared) > maxBytes) throw payloadTooLarge(maxBytes);
    return await request.text();
  } catch (error) {
    if (HelexaError.is(error)) throw error;
    throw clientClosedRequest();
  }
}

async function readChunked(request: Request, maxBytes: number): Promise<string> {
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
  if (chunks.length === 1) return decoder.decode(chunks[0]);
  const whole = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return decoder.decode(whole);
}
