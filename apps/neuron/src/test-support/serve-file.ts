import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Serves one file over loopback HTTP (HEAD, GET, single ranges), slowly when `chunkDelayMs` is set so
 * download progress can be observed.
 */
export async function serveFile(
  path: string,
  chunkDelayMs = 0,
): Promise<{ url: (name: string) => string; close(): Promise<void> }> {
  const size = (await stat(path)).size;
  const server: Server = createServer((request, response) => {
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? "");
    const start = range ? Number(range[1]) : 0;
    const end = range?.[2] ? Number(range[2]) : size - 1;
    response.writeHead(range ? 206 : 200, {
      "content-type": "application/octet-stream",
      "content-length": String(end - start + 1),
      "accept-ranges": "bytes",
      ...(range ? { "content-range": `bytes ${start}-${end}/${size}` } : {}),
    });
    if (request.method === "HEAD") {
      response.end();
      return;
    }
    const stream = createReadStream(path, { start, end, highWaterMark: 32 * 1024 });
    stream.on("data", (chunk) => {
      response.write(chunk);
      if (chunkDelayMs > 0) {
        stream.pause();
        setTimeout(() => stream.resume(), chunkDelayMs);
      }
    });
    stream.on("end", () => response.end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
