import type { ServerResponse } from "node:http";
import type { ClientSignal } from "../dispatch/dispatch.js";

/**
 * The client-gone signal of a request served straight from Node: aborted when its response closes before
 * it finished (the client disconnected). One `close` listener on the response serves every abort
 * listener, so no `AbortController` / `EventTarget` is built per request.
 */
export function closeSignal(outgoing: ServerResponse): ClientSignal {
  let aborted = false;
  let listeners: Array<() => void> = [];
  outgoing.once("close", () => {
    if (outgoing.writableFinished) return;
    aborted = true;
    const called = listeners;
    listeners = [];
    for (const listener of called) listener();
  });
  return {
    get aborted() {
      return aborted;
    },
    addEventListener(_type, listener) {
      if (!aborted && !listeners.includes(listener)) listeners.push(listener);
    },
    removeEventListener(_type, listener) {
      const index = listeners.indexOf(listener);
      if (index !== -1) listeners.splice(index, 1);
    },
  };
}
