import { createModelDownloader } from "node-llama-cpp";
import type { WorkerLoadSpec } from "../ipc/worker-protocol.js";

export interface DownloadProgress {
  fraction: number;
  downloadedBytes: number;
  totalBytes: number;
}

/**
 * The local file for a spec: a path as is, or a URI (`https://…`, `hf:org/repo:quant`) downloaded into
 * the models folder with node-llama-cpp's downloader (an existing complete file is reused).
 */
export async function acquireModelFile(
  source: WorkerLoadSpec["source"],
  onProgress: (progress: DownloadProgress) => void,
): Promise<string> {
  if (source.kind === "path") return source.path;
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
