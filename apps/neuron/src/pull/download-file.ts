import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, rename, rm, stat, truncate } from "node:fs/promises";

export interface DownloadFileOptions {
  url: URL;
  /** The finished file; bytes go to `<destination>.part` until they are all there and verified. */
  destination: string;
  fetch: typeof fetch;
  /** Size the source listed; a server that disagrees is an error. */
  expectedSize?: number;
  /** Hex sha256 the source listed; also taken from a Hugging Face `x-linked-etag` header. */
  sha256?: string;
  onProgress(downloadedBytes: number, totalBytes: number | undefined): void;
  /** Connection attempts in all, each resuming where the last one was cut. Default 5. */
  maxAttempts?: number;
  sleep?(ms: number): Promise<void>;
}

export type DownloadResult =
  | { ok: true; bytes: number; resumedFrom: number; sha256?: string }
  | { ok: false; error: string /** The final HTTP status, when a 4xx ended it. */; status?: number };

const SHA256 = /^[0-9a-f]{64}$/;
const MAX_PENDING_BYTES = 64 * 1024 * 1024;

/**
 * Downloads into `<destination>.part`, resuming an existing part with an HTTP Range request (a server that
 * ignores the range starts over), retrying a cut connection from where it stopped, then checks the size
 * (and the sha256 when known) before renaming it into place. A 4xx is final; a cut or a 5xx is retried.
 */
export async function downloadFile(options: DownloadFileOptions): Promise<DownloadResult> {
  const part = `${options.destination}.part`;
  const where = `${options.url.origin}${options.url.pathname}`;
  const maxAttempts = options.maxAttempts ?? 5;
  const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  let sha256 = options.sha256;
  let total = options.expectedSize;
  let resumedFrom: number | undefined;
  let lastProblem = "";
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (attempt > 1) await sleep(Math.min(8000, 500 * 2 ** (attempt - 2)));
    let offset = await sizeOf(part);
    if (total !== undefined && offset > total) {
      await truncate(part, 0);
      offset = 0;
    }
    resumedFrom ??= offset;
    if (total !== undefined && offset === total) break;
    let response: Response;
    try {
      response = await options.fetch(options.url, {
        headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
      });
    } catch (error) {
      lastProblem = `cannot reach ${options.url.host}: ${describeError(error)}`;
      continue;
    }
    if (response.status === 416 && offset > 0) {
      // The part is no longer a prefix of what the server has: start again.
      await response.body?.cancel();
      await truncate(part, 0);
      lastProblem = `${where}: HTTP 416 resuming at byte ${offset}`;
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      const message = `${where}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
      if (response.status < 500 && response.status !== 429)
        return { ok: false, error: message, status: response.status };
      lastProblem = message;
      continue;
    }
    const linked = response.headers
      .get("x-linked-etag")
      ?.replace(/^W\//, "")
      .replaceAll('"', "")
      .toLowerCase();
    if (sha256 === undefined && linked !== undefined && SHA256.test(linked)) sha256 = linked;
    const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get("content-range") ?? "");
    if (response.status === 206 && range !== null && Number(range[1]) !== offset) {
      await response.body?.cancel();
      await truncate(part, 0);
      lastProblem = `${where}: asked for byte ${offset}, got byte ${range[1]}`;
      continue;
    }
    if (response.status !== 206 && offset > 0) {
      // The server ignored the range: what comes is the whole file.
      await truncate(part, 0);
      offset = 0;
    }
    const length = Number(response.headers.get("content-length") ?? Number.NaN);
    const announced =
      range !== null && range[2] !== "*"
        ? Number(range[2])
        : Number.isFinite(length)
          ? offset + length
          : undefined;
    if (total !== undefined && announced !== undefined && announced !== total)
      return {
        ok: false,
        error: `${where}: the server's size (${announced} bytes) is not the listed ${total}`,
      };
    total ??= announced;
    let cut: string | undefined;
    try {
      cut = await appendBody(response, part, offset, (bytes) => options.onProgress(bytes, total));
    } catch (error) {
      return { ok: false, error: `cannot write ${part}: ${describeError(error)}` };
    }
    if (cut !== undefined) {
      lastProblem = `${where}: connection cut at byte ${await sizeOf(part)}${total === undefined ? "" : ` of ${total}`} (${cut})`;
      continue;
    }
    const size = await sizeOf(part);
    if (total === undefined || size === total) {
      total = size;
      break;
    }
    lastProblem = `${where}: connection ended at byte ${size} of ${total}`;
  }
  const size = await sizeOf(part);
  if (total === undefined || size !== total)
    return {
      ok: false,
      error: `${lastProblem}; gave up after ${maxAttempts} attempts, ${size} bytes kept in ${part}: run the same pull again to resume`,
    };
  if (sha256 !== undefined) {
    const actual = await hashFile(part);
    if (actual !== sha256) {
      await rm(part, { force: true });
      return {
        ok: false,
        error: `${where}: sha256 ${actual} is not the listed ${sha256}; the download was removed, run the pull again`,
      };
    }
  }
  await rename(part, options.destination);
  return {
    ok: true,
    bytes: size,
    resumedFrom: resumedFrom ?? 0,
    ...(sha256 === undefined ? {} : { sha256 }),
  };
}

/**
 * Appends a response body to `path`; resolves with why it stopped early, or undefined when it ended.
 * Chunks are read as soon as they arrive and written behind the reads: a stream that errors drops what it
 * still queues, so a reader that waited on the disk would lose bytes it had already received.
 */
async function appendBody(
  response: Response,
  path: string,
  offset: number,
  onBytes: (downloaded: number) => void,
): Promise<string | undefined> {
  const handle = await open(path, offset === 0 ? "w" : "a");
  let downloaded = offset;
  let pending = 0;
  let writes: Promise<unknown> = Promise.resolve();
  let writeError: unknown;
  const write = (chunk: Uint8Array) => {
    pending += chunk.byteLength;
    writes = writes.then(async () => {
      if (writeError !== undefined) return;
      try {
        await handle.write(chunk);
        downloaded += chunk.byteLength;
        onBytes(downloaded);
      } catch (error) {
        writeError = error;
      } finally {
        pending -= chunk.byteLength;
      }
    });
  };
  let cut: string | undefined;
  try {
    if (response.body !== null)
      for await (const chunk of response.body) {
        write(chunk);
        // A disk slower than the network waits here rather than holding the file in memory.
        if (pending > MAX_PENDING_BYTES) await writes;
        if (writeError !== undefined) break;
      }
  } catch (error) {
    cut = describeError(error);
  }
  await writes;
  await handle.close();
  if (writeError !== undefined) throw writeError;
  return cut;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function describeError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error instanceof Error ? error.message : String(error)}${cause}`;
}
