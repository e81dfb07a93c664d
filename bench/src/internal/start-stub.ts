import { join } from "node:path";
import type { ProxyTarget } from "./proxy-target.js";
import { listeningLine, startProcess } from "./start-process.js";

/** Starts the upstream stub in its own process (so it does not share an event loop with the load generator). */
export async function startStub(
  root: string,
  options: { chunks: number; gapMs: number; name?: string },
): Promise<ProxyTarget> {
  const started = await startProcess({
    name: "upstream stub",
    command: process.execPath,
    args: [
      join(root, "bench", "dist", "stub-main.js"),
      "--chunks",
      String(options.chunks),
      "--gap-ms",
      String(options.gapMs),
    ],
    cwd: root,
    readyLine: listeningLine,
    timeoutMs: 20_000,
  });
  return {
    name: options.name ?? "direct",
    baseUrl: String(started.ready.url),
    headers: {},
    pid: started.pid,
    stop: () => started.stop(),
  };
}
