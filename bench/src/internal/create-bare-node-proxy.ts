import { Agent, createServer, request, type Server } from "node:http";

/**
 * The least a Node gateway can do: read the body, parse it (a gateway must see the model), send it to
 * `upstreamUrl` on a keep-alive connection and pipe the answer back. No routing, limits, metering, metrics
 * or error envelopes. It is the floor for any gateway on Node's `http` module, so the gap between it and
 * nginx is Node's, and the gap between cortex and it is cortex's.
 */
export function createBareNodeProxy(upstreamUrl: string): Server {
  const upstream = new URL(upstreamUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  return createServer((incoming, outgoing) => {
    const parts: Buffer[] = [];
    incoming.on("data", (part: Buffer) => parts.push(part));
    incoming.on("end", () => {
      const body = Buffer.concat(parts);
      try {
        JSON.parse(body.toString("utf8"));
      } catch {
        outgoing.writeHead(400, { "content-type": "application/json" }).end('{"error":"bad json"}');
        return;
      }
      const forwarded = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: "POST",
          path: incoming.url,
          agent,
          headers: { "content-type": "application/json", "content-length": body.byteLength },
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.on("error", () => {
        if (!outgoing.headersSent) outgoing.writeHead(502).end();
        else outgoing.destroy();
      });
      forwarded.end(body);
    });
  });
}
