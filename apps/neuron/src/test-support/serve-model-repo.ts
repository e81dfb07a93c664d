import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RepoFile {
  /** Path inside the repo, e.g. `demo-Q4_K_M.gguf`. */
  name: string;
  content: Buffer;
  /** The sha256 the file list claims; default the real one. */
  listedSha256?: string;
}

export interface ModelRepoServer {
  /** The server's base URL (`http://127.0.0.1:PORT`), for HF_ENDPOINT. */
  url: string;
  port: number;
  /** Every request seen: method, path, Range header, the Host it was sent to and its Authorization. */
  requests: Array<{
    method: string;
    path: string;
    range: string | undefined;
    host: string | undefined;
    authorization: string | undefined;
  }>;
  /** Bytes after which the next file responses are cut (the socket is ended); one entry per response. */
  cuts: number[];
  /**
   * Awaited before a cut with the byte offset the file has been sent up to. A client's fetch drops chunks it
   * had received but not yet read when the connection errors, so a test that needs them on disk first waits
   * here for them.
   */
  beforeCut?: (sentUpTo: number) => Promise<void>;
  /** When set, `resolve` answers 302 to this URL (with the path appended) instead of serving the file. */
  redirectTo?: string;
  /** Gated repos: repo → the token its files need (`resolve` answers 401 without one, 403 with another). */
  gated: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A loopback stand-in for Hugging Face: `GET /api/models/{org}/{repo}` lists `repos[repo]` as `siblings`
 * (with `lfs.sha256` and size, as `?blobs=true` does), `/{org}/{repo}/resolve/main/{file}` and `/files/{file}`
 * serve a file with single-range support. Responses can be cut midway (`cuts`) to test resuming.
 */
export async function serveModelRepo(repos: Record<string, RepoFile[]>): Promise<ModelRepoServer> {
  const state: ModelRepoServer = {
    url: "",
    port: 0,
    requests: [],
    cuts: [],
    gated: {},
    close: async () => undefined,
  };
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    state.requests.push({
      method: request.method ?? "GET",
      path,
      range: request.headers.range,
      host: request.headers.host,
      authorization: request.headers.authorization,
    });
    const api = /^\/api\/models\/([^/]+\/[^/]+)$/.exec(path);
    if (api !== null) {
      const files = repos[api[1] ?? ""];
      if (files === undefined) return notFound(response);
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          id: api[1],
          siblings: [
            { rfilename: "README.md" },
            ...files.map((file) => ({
              rfilename: file.name,
              size: file.content.length,
              lfs: { sha256: file.listedSha256 ?? sha256(file.content), size: file.content.length },
            })),
          ],
        }),
      );
      return;
    }
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(path);
    const plain = /^\/files\/(.+)$/.exec(path);
    const file = resolve
      ? repos[resolve[1] ?? ""]?.find((entry) => entry.name === resolve[2])
      : plain
        ? Object.values(repos)
            .flat()
            .find((entry) => entry.name === plain[1])
        : undefined;
    if (file === undefined) return notFound(response);
    const needed = resolve === null ? undefined : state.gated[resolve[1] ?? ""];
    if (needed !== undefined && request.headers.authorization !== `Bearer ${needed}`) {
      // As Hugging Face answers: 401 to no token, 403 to a token without access to the gated repo.
      response.writeHead(request.headers.authorization === undefined ? 401 : 403, {
        "content-type": "text/plain",
      });
      response.end("Access to this model is restricted");
      return;
    }
    if (resolve !== null && state.redirectTo !== undefined) {
      response.writeHead(302, { location: `${state.redirectTo}/files/${file.name}` });
      response.end();
      return;
    }
    serveContent(request, response, file.content, state.cuts.shift(), state.beforeCut);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}`;
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

function serveContent(
  request: IncomingMessage,
  response: import("node:http").ServerResponse,
  content: Buffer,
  cutAfter: number | undefined,
  beforeCut: ((sentUpTo: number) => Promise<void>) | undefined,
) {
  const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? "");
  const start = range ? Number(range[1]) : 0;
  if (start >= content.length && content.length > 0) {
    response.writeHead(416, { "content-range": `bytes */${content.length}` });
    response.end();
    return;
  }
  const body = content.subarray(start);
  response.writeHead(range ? 206 : 200, {
    "content-type": "application/octet-stream",
    "content-length": String(body.length),
    "accept-ranges": "bytes",
    ...(range ? { "content-range": `bytes ${start}-${content.length - 1}/${content.length}` } : {}),
  });
  if (request.method === "HEAD") {
    response.end();
    return;
  }
  if (cutAfter === undefined || cutAfter >= body.length) {
    response.end(body);
    return;
  }
  // Part of the file, then the connection drops, as a flaky network would.
  response.write(body.subarray(0, cutAfter), async () => {
    await beforeCut?.(start + cutAfter);
    response.socket?.end();
  });
}

function notFound(response: import("node:http").ServerResponse) {
  response.writeHead(404, { "content-type": "text/plain" });
  response.end("Entry not found");
}

export function sha256(content: Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}
