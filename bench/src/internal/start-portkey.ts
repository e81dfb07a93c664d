import { join } from "node:path";
import { freePort } from "./free-port.js";
import type { ProxyTarget } from "./proxy-target.js";
import { startProcess } from "./start-process.js";
import { waitForHttp } from "./wait-for-http.js";

/**
 * The Portkey gateway (npm `@portkey-ai/gateway`) in front of `upstreamUrl`, routed per request by its
 * headers: provider `openai` with a custom host.
 */
export async function startPortkey(root: string, upstreamUrl: string): Promise<ProxyTarget> {
  const port = await freePort();
  const entry = join(root, "bench", "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");
  const started = await startProcess({
    name: "portkey",
    command: process.execPath,
    args: [entry, `--port=${port}`, "--headless"],
    cwd: join(root, "bench"),
    env: { ...process.env, NODE_ENV: "production" },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${baseUrl}/`, { timeoutMs: 30_000 });
  } catch (error) {
    await started.stop();
    throw error;
  }
  return {
    name: "portkey",
    baseUrl,
    headers: {
      "x-portkey-provider": "openai",
      "x-portkey-custom-host": `${upstreamUrl}/v1`,
      authorization: "Bearer bench-not-a-secret",
    },
    pid: started.pid,
    stop: () => started.stop(),
  };
}
