import type { GroupContext } from "../bench-types.js";
import { findNginx } from "./find-nginx.js";
import type { ProxyTarget } from "./proxy-target.js";
import { startBareProxy } from "./start-bare-proxy.js";
import { hasCortex, startCortex } from "./start-cortex.js";
import { startNginx } from "./start-nginx.js";
import { startPortkey } from "./start-portkey.js";
import { startStub } from "./start-stub.js";

/**
 * The stub ("direct") and each gateway in front of it that this machine has: cortex, the bare Node proxy,
 * nginx, Portkey.
 * A gateway that is missing or fails to start loses its column with a note; the stub itself must start.
 */
export async function startGatewayTargets(
  context: GroupContext,
  stubOptions: { chunks: number; gapMs: number },
  wanted: readonly string[] = ["cortex", "bare-node", "nginx", "portkey"],
): Promise<ProxyTarget[]> {
  const direct = await startStub(context.root, stubOptions);
  const targets: ProxyTarget[] = [direct];
  const attempt = async (name: string, start: () => Promise<ProxyTarget>) => {
    if (!wanted.includes(name)) return;
    try {
      targets.push(await start());
      context.log(`${name} started`);
    } catch (error) {
      context.note(
        `${name} did not start, so its column is missing: ${error instanceof Error ? error.message : error}`,
      );
    }
  };
  if (hasCortex(context.root))
    await attempt("cortex", () => startCortex(context.root, context.scratch, direct.baseUrl));
  else if (wanted.includes("cortex"))
    context.note("cortex is not built (apps/gateway/dist/cli.js missing), so its column is missing.");
  await attempt("bare-node", () => startBareProxy(context.root, direct.baseUrl));
  const nginx = findNginx();
  if (nginx !== null) await attempt("nginx", () => startNginx(nginx, context.scratch, direct.baseUrl));
  else if (wanted.includes("nginx"))
    context.note("nginx is not installed (Debian: apt-get install nginx-light), so its column is missing.");
  await attempt("portkey", () => startPortkey(context.root, direct.baseUrl));
  return targets;
}

/** Stops every target, gateways first. */
export async function stopTargets(targets: readonly ProxyTarget[]): Promise<void> {
  for (const target of [...targets].reverse()) await target.stop();
}
