import type { OutgoingHttpHeaders, ServerResponse } from "node:http";

/**
 * Writes a WHATWG `Response` to Node's response: a server-sent-event body chunk by chunk as it comes
 * (backpressure honoured; a client that goes away cancels the body, which aborts what feeds it), any
 * other body whole with its `Content-Length`. A body that fails midway destroys the connection, so the
 * client sees a cut response rather than a complete-looking one.
 */
export async function writeWebResponse(response: Response, outgoing: ServerResponse): Promise<void> {
  const headers: OutgoingHttpHeaders = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  const body = response.body;
  if (body === null) {
    outgoing.writeHead(response.status, headers).end();
    return;
  }
  if (!(response.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    const bytes = Buffer.from(await response.arrayBuffer());
    headers["content-length"] = String(bytes.byteLength);
    outgoing.writeHead(response.status, headers).end(bytes);
    return;
  }
  outgoing.writeHead(response.status, headers);
  outgoing.flushHeaders();
  const reader = body.getReader();
  const cancel = () => {
    reader.cancel().catch(() => {});
  };
  outgoing.once("close", cancel);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || outgoing.destroyed) break;
      if (!outgoing.write(value)) await drained(outgoing);
    }
    if (!outgoing.destroyed) outgoing.end();
  } catch {
    outgoing.destroy();
  } finally {
    outgoing.off("close", cancel);
  }
}

/** Resolves on `drain`, or on `close` when the client went away meanwhile. */
function drained(outgoing: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      outgoing.off("drain", done);
      outgoing.off("close", done);
      resolve();
    };
    outgoing.once("drain", done);
    outgoing.once("close", done);
  });
}
