import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stubModelId } from "./neuron-look-alike.js";
import type { ProxyTarget } from "./proxy-target.js";
import { listeningLine, startProcess } from "./start-process.js";
import { waitForHttp } from "./wait-for-http.js";

/** Where cortex's built CLI lives; the bench skips cortex's column when it is missing. */
export function cortexCliPath(root: string): string {
  return join(root, "apps", "gateway", "dist", "cli.js");
}

export function hasCortex(root: string): boolean {
  return existsSync(cortexCliPath(root));
}

function cortexToml(scratch: string, neuronUrl: string): string {
  return `[gateway]
listen = "127.0.0.1:0"
metrics_listen = "127.0.0.1:0"
poll_interval_ms = 1000

[ledger]
path = ${JSON.stringify(join(scratch, "cortex-ledger.sqlite"))}

[[neurons]]
name = "bench-stub"
endpoint = ${JSON.stringify(neuronUrl)}
`;
}

/**
 * Starts cortex (`cli.js serve --config`) with one neuron, `neuronUrl`, and waits until it routes a chat
 * completion for the model `bench` (after its first poll of the neuron).
 */
export async function startCortex(
  root: string,
  scratch: string,
  neuronUrl: string,
  options: { nodeArgs?: string[]; name?: string } = {},
): Promise<ProxyTarget & { metricsUrl: string | null }> {
  const configPath = join(scratch, `cortex-${Date.now()}.toml`);
  await writeFile(configPath, cortexToml(scratch, neuronUrl));
  const started = await startProcess({
    name: "cortex",
    command: process.execPath,
    args: [...(options.nodeArgs ?? []), cortexCliPath(root), "serve", "--config", configPath],
    cwd: scratch,
    readyLine: listeningLine,
    timeoutMs: 30_000,
  });
  const baseUrl = String(started.ready.url).replace(/\/$/, "");
  try {
    await waitForHttp(`${baseUrl}/v1/chat/completions`, {
      timeoutMs: 30_000,
      init: {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: stubModelId, messages: [{ role: "user", content: "ready?" }] }),
      },
    });
  } catch (error) {
    await started.stop();
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\ncortex output:\n${started.recentOutput()}`,
    );
  }
  const metricsUrl = typeof started.ready.metrics_url === "string" ? started.ready.metrics_url : null;
  return {
    name: options.name ?? "cortex",
    baseUrl,
    headers: {},
    pid: started.pid,
    metricsUrl,
    stop: () => started.stop(10_000),
  };
}
