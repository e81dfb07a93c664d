import { pino } from "pino";

type Destination = ReturnType<typeof pino.destination>;

/**
 * stdout for pino, written synchronously, that stops writing once its reader is gone (EPIPE after
 * `serve | tee` and Ctrl-C) instead of blocking shutdown: pino's default asynchronous destination flushes
 * at exit and retries a failed write forever, so the process never ended. Nothing is buffered, so there
 * is nothing to flush at exit.
 */
export function createStdoutDestination(fd = 1): Destination {
  const destination = pino.destination({ dest: fd, sync: true });
  destination.on("error", () => {
    // The reader is gone: logging ends here, the process carries on (and can shut down).
    const discard = () => true;
    destination.write = discard;
    destination.flushSync = () => {};
    destination.flush = (callback?: (error?: Error) => void) => callback?.();
    destination.end = () => {};
  });
  return destination;
}
