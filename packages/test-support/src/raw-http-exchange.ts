import { connect } from "node:net";

/** What came back on a raw connection: the status, the lower-cased headers and the body, as text. */
export interface RawHttpReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes `request` (bytes no HTTP client would send: a malformed request line, oversized headers, a body
 * shorter than its `Content-Length`) on a fresh connection to `port` on loopback, and reads until the server
 * closes it.
 */
export function rawHttpExchange(port: number, request: string, timeoutMs = 10_000): Promise<RawHttpReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply closed within ${timeoutMs} ms; got ${Buffer.concat(chunks).toString()}`));
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      if (split === -1) {
        reject(new Error(`no HTTP reply, got ${JSON.stringify(text)}`));
        return;
      }
      const [statusLine = "", ...lines] = text.slice(0, split).split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body: text.slice(split + 4) });
    });
  });
}
