import { join } from "node:path";
import type { ProxyTarget } from "./proxy-target.js";
import { listeningLine, startProcess } from "./start-process.js";

/** The bare Node proxy (`createBareNodeProxy`) in its own process, in front of `upstreamUrl`. */
export async function startBareProxy(root: string, upstreamUrl: string): Promise<ProxyTarget> {
  const started = await startProcess({
    name: "bare-node",
    command: process.execPath,
    args: [join(root, "bench", "dist", "bare-proxy-main.js"), "--upstream", upstreamUrl],
    cwd: root,
    readyLine: listeningLine,
    timeoutMs: 20_000,
  });
  return {
    name: "bare-node",
    baseUrl: String(started.ready.url),
    headers: {},
    pid: started.pid,
    stop: () => started.stop(),
  };
}
