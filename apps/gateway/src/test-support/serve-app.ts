import type { AddressInfo } from "node:net";
import { type ApiHandlers, createApiServer } from "../server/create-api-server.js";

/**
 * Serves an app on an ephemeral loopback port, as `cortex serve` does (for tests that need a real socket:
 * disconnects, the direct fast path when `serveDirect` is given).
 */
export async function serveApp(handlers: ApiHandlers): Promise<{ url: string; close(): Promise<void> }> {
  const server = createApiServer(handlers);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  // A test that never closes it does not keep the process alive.
  server.unref();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
