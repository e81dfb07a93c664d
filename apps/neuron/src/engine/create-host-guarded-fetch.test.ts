import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHostGuardedFetch, DownloadHostError } from "./create-host-guarded-fetch.js";

// One loopback server, reached as 127.0.0.1 (allowed) and as localhost (another host name).
let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === "/file") response.writeHead(200, { "content-type": "text/plain" }).end("weights");
    else if (request.url === "/hop") response.writeHead(302, { location: "/file" }).end();
    else if (request.url === "/away")
      response.writeHead(301, { location: `http://localhost:${port}/file` }).end();
    else if (request.url === "/loop") response.writeHead(302, { location: "/loop" }).end();
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("createHostGuardedFetch", () => {
  const refusals: DownloadHostError[] = [];
  const guarded = () =>
    createHostGuardedFetch(globalThis.fetch, ["127.0.0.1"], (error) => {
      refusals.push(error);
    });

  it("follows redirects that stay on allowed hosts", async () => {
    const response = await guarded()(`http://127.0.0.1:${port}/hop`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("weights");
  });

  it("answers 403 without a request for a redirect to a host that is not allowed, or a first URL that is not", async () => {
    const bounced = await guarded()(`http://127.0.0.1:${port}/away`);
    expect(bounced.status).toBe(403);
    expect(refusals.at(-1)).toBeInstanceOf(DownloadHostError);
    expect(refusals.at(-1)?.host).toBe("localhost");
    const direct = await guarded()(`http://localhost:${port}/file`);
    expect(direct.status).toBe(403);
    expect(refusals.at(-1)?.message).toBe(
      "download redirected to 'localhost', which is not in allowed_download_hosts",
    );
    expect(refusals).toHaveLength(2);
  });

  it("gives up on a redirect loop", async () => {
    await expect(guarded()(`http://127.0.0.1:${port}/loop`)).rejects.toThrow(/more than 10 redirects/);
  });
});
