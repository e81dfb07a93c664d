import { createModelDownloader } from "node-llama-cpp";
import type { WorkerLoadSpec } from "../ipc/worker-protocol.js";
import { createHostGuardedFetch, type DownloadHostError } from "./create-host-guarded-fetch.js";

export interface DownloadProgress {
  fraction: number;
  downloadedBytes: number;
  totalBytes: number;
}

/**
 * The local file for a spec: a path as is, or a URI (`https://…`, `hf:org/repo:quant`) downloaded into
 * the models folder with node-llama-cpp's downloader (an existing complete file is reused). While it
 * downloads, the worker's global `fetch` (which the downloader uses) refuses any host, redirects
 * included, outside `allowed_download_hosts`; a worker runs one load at a time.
 */
export async function acquireModelFile(
  source: WorkerLoadSpec["source"],
  onProgress: (progress: DownloadProgress) => void,
): Promise<string> {
  if (source.kind === "path") return source.path;
  const unguarded = globalThis.fetch;
  let refused: DownloadHostError | undefined;
  globalThis.fetch = createHostGuardedFetch(unguarded, source.allowedHosts, (error) => {
    refused ??= error;
  });
  try {
    return await download(source, onProgress);
  } catch (error) {
    throw refused ?? error;
  } finally {
    globalThis.fetch = unguarded;
  }
}

async function download(
  source: Extract<WorkerLoadSpec["source"], { kind: "uri" }>,
  onProgress: (progress: DownloadProgress) => void,
): Promise<string> {
  const downloader = await createModelDownloader({
    modelUri: source.uri,
    dirPath: source.directory,
    skipExisting: true,
    deleteTempFileOnCancel: true,
    onProgress: ({ totalSize, downloadedSize }) =>
      onProgress({
        fraction: totalSize > 0 ? Math.min(1, downloadedSize / totalSize) : 0,
        downloadedBytes: downloadedSize,
        totalBytes: totalSize,
      }),
  });
  return downloader.download();
}
