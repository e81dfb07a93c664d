import type { IncomingMessage, ServerResponse } from "node:http";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { UpstreamRoute } from "../dispatch/dispatch.js";
import type { Entitlements } from "../entitlements/entitlements.js";
import { arrivalTime } from "../internal/arrival-time.js";
import { PASS_THROUGH_ROUTES } from "../routes/route-table.js";
import { createServePassThrough, type PassThroughDeps } from "../routes/serve-pass-through.js";
import { closeSignal } from "./close-signal.js";
import { readIncomingBody } from "./read-incoming-body.js";
import { writeWebResponse } from "./write-web-response.js";

/** Serves a request itself and returns true, or returns false to leave it to the Hono app. */
export type DirectListener = (incoming: IncomingMessage, outgoing: ServerResponse) => boolean;

export interface DirectProxyDeps extends PassThroughDeps {
  entitlements?: Entitlements | undefined;
}

/**
 * The Node adapter of the pass-through core, tried before the Hono app: `POST` to a pass-through route from
 * a non-browser client (no `Origin`; browsers need CORS, which the app adds). It identifies the caller as
 * the app's auth middleware does and lets the core write the neuron's reply straight into Node's response,
 * so no `Request`, `Headers` or web stream is built per request.
 */
export function createDirectProxy(deps: DirectProxyDeps): DirectListener {
  const { entitlements } = deps;
  const serve = createServePassThrough(deps);
  const routes: ReadonlySet<string> = PASS_THROUGH_ROUTES;
  const respond = async (route: UpstreamRoute, incoming: IncomingMessage, outgoing: ServerResponse) => {
    const served = await serve(
      {
        route,
        headers: incoming.headers,
        readBody: (maxBytes) => readIncomingBody(incoming, maxBytes),
        identify: () => entitlements?.authenticate(incoming.headers) ?? null,
        signal: closeSignal(outgoing),
        startedAt: arrivalTime(incoming, performance.now()),
      },
      { outgoing },
    );
    if (served !== RESPONSE_ALREADY_SENT) await writeWebResponse(served, outgoing);
  };
  return (incoming, outgoing) => {
    if (incoming.method !== "POST" || incoming.headers.origin !== undefined) return false;
    const url = incoming.url ?? "";
    const query = url.indexOf("?");
    const path = query === -1 ? url : url.slice(0, query);
    if (!routes.has(path)) return false;
    respond(path as UpstreamRoute, incoming, outgoing).catch((error: unknown) => {
      deps.logger.error({ event: "unhandled_error", path, err: error }, "unhandled error");
      outgoing.destroy();
    });
    return true;
  };
}
