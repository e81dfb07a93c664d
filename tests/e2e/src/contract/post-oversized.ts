import { request } from "node:http";

/** What a server answered to an upload it refused: status, content type and body text. */
export interface RefusedUpload {
  status: number;
  contentType: string | undefined;
  text: string;
}

/**
 * POSTs JSON that declares a `Content-Length` of `declaredBytes` but sends only its first bytes, and
 * resolves with the answer. A server that refuses a body over its limit answers (413) and closes the
 * connection before reading it: `fetch` then fails with EPIPE while still uploading, where Node's own
 * client hands over the answer that already arrived.
 */
export function postOversized(
  url: string,
  headers: Record<string, string>,
  declaredBytes: number,
): Promise<RefusedUpload> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "content-length": String(declaredBytes) },
    });
    outgoing.on("response", (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
      incoming.on("end", () => {
        outgoing.destroy();
        resolve({
          status: incoming.statusCode ?? 0,
          contentType: incoming.headers["content-type"],
          text: Buffer.concat(chunks).toString("utf8"),
        });
      });
      incoming.on("error", reject);
    });
    // After the answer, a reset of the half-sent upload changes nothing (the promise has settled).
    outgoing.on("error", reject);
    outgoing.write('{"model": "tiny", "messages": [{"role": "user", "content": "');
  });
}
