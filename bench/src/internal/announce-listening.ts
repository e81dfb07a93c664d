import type { Server } from "node:http";

/**
 * Listens on an ephemeral loopback port, prints `{"event":"listening","url":…}` (what `listeningLine`
 * waits for), and closes on SIGTERM: how the bench's child processes serve.
 */
export function announceListening(server: Server): void {
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    console.log(JSON.stringify({ event: "listening", url: `http://127.0.0.1:${port}` }));
  });
  process.on("SIGTERM", () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
