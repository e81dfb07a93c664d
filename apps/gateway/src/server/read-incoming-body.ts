import type { IncomingMessage } from "node:http";
import { clientClosedRequest, payloadTooLarge } from "@helexa/core";

/** UTF-8, dropping a leading byte-order mark (as lenient JSON readers do; the neuron does the same). */
const decoder = new TextDecoder("utf-8");

/**
 * A request body straight from Node's `IncomingMessage`, as UTF-8 text of at most `maxBytes`: 413 when a
 * declared `Content-Length` (before reading) or the bytes read (without one) pass the limit; 499 when the
 * client goes away before the body ended. The read stops at the first of these.
 */
export function readIncomingBody(incoming: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = incoming.headers["content-length"];
  if (declared !== undefined && Number(declared) > maxBytes) return Promise.reject(payloadTooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onGone);
      incoming.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      stop();
      incoming.pause();
      reject(payloadTooLarge(maxBytes));
    };
    const onEnd = () => {
      stop();
      resolve(decoder.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    };
    const onGone = () => {
      stop();
      reject(clientClosedRequest());
    };
    const onClose = () => {
      if (!incoming.complete) onGone();
    };
    incoming.on("data", onData);
    incoming.once("end", onEnd);
    incoming.once("error", onGone);
    incoming.once("close", onClose);
  });
}
