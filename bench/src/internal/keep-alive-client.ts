import { Agent, type IncomingHttpHeaders, request } from "node:http";

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface KeepAliveClient {
  post(url: URL, headers: Record<string, string>, body: string): Promise<HttpAnswer>;
  close(): void;
}

/**
 * A node:http client on kept-alive sockets (one unless told more): the lightest client Node has, so the
 * sequential overhead measurement times the servers rather than the client.
 */
export function createKeepAliveClient(sockets = 1): KeepAliveClient {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  return {
    post(url, headers, body) {
      return new Promise((resolve, reject) => {
        const outgoing = request(
          url,
          {
            method: "POST",
            agent,
            headers: {
              "content-type": "application/json",
              "content-length": Buffer.byteLength(body),
              ...headers,
            },
          },
          (response) => {
            const parts: Buffer[] = [];
            response.on("data", (part: Buffer) => parts.push(part));
            response.on("end", () =>
              resolve({
                status: response.statusCode ?? 0,
                headers: response.headers,
                body: Buffer.concat(parts).toString("utf8"),
              }),
            );
            response.on("error", reject);
          },
        );
        outgoing.on("error", reject);
        outgoing.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}
