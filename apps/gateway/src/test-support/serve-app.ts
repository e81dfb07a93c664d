import type { AddressInfo } from "node:net";
import type { Hono } from "hono";
import type { AppEnv } from "../internal/app-env.js";
import { createApiServer } from "../server/create-api-server.js";

/** Serves an app on an ephemeral loopback port (for tests that need a real socket: disconnects). */
export async function serveApp(app: Hono<AppEnv>): Promise<{ url: string; close(): Promise<void> }> {
  const server = createApiServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
