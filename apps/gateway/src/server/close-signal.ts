import type { ServerResponse } from "node:http";
import type { ClientSignal } from "../dispatch/dispatch.js";

/**
 * The client-gone signal of a request served straight from Node: aborted when its response closes before
 * it finished (the client disconnected). Listens on the response's `close` event, so no
 * `AbortController` / `EventTarget` is built per request.
 */
export function closeSignal(outgoing: ServerResponse): ClientSignal {
  let aborted = false;
  const wrappers = new Map<() => void, () => void>();
  outgoing.once("close", () => {
    if (!outgoing.writableFinished) aborted = true;
  });
  return {
    get aborted() {
      return aborted;
    },
    addEventListener(_type, listener) {
      if (wrappers.has(listener)) return;
      const wrapper = () => {
        wrappers.delete(listener);
        if (!outgoing.writableFinished) listener();
      };
      wrappers.set(listener, wrapper);
      outgoing.once("close", wrapper);
    },
    removeEventListener(_type, listener) {
      const wrapper = wrappers.get(listener);
      if (wrapper === undefined) return;
      wrappers.delete(listener);
      outgoing.off("close", wrapper);
    },
  };
}
