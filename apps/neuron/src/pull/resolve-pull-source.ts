import { describeHfRefusal } from "./describe-hf-refusal.js";
import type { ModelUri } from "./parse-model-uri.js";

/** Where a pull downloads from, the file name it gets in `models_dir`, and what the source says it is. */
export interface PullSource {
  url: URL;
  fileName: string;
  /** Size in bytes, when the source lists it. */
  size?: number;
  /** Hex sha256, when the source lists it (Hugging Face's LFS oid). */
  sha256?: string;
}

export type PullSourceResult = { ok: true; source: PullSource } | { ok: false; error: string };

/** One entry of Hugging Face's `GET /api/models/{repo}?blobs=true` `siblings`. */
interface Sibling {
  rfilename: string;
  size?: number;
  lfs?: { sha256?: string; size?: number };
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Turns a parsed URI into a download: a URL as is; `hf:` through the Hugging Face API shape at `endpoint`
 * (`/api/models/{repo}?blobs=true` lists the files, `/{repo}/resolve/main/{file}` serves one), which gives
 * the file's size and sha256. A quant that matches no file is an error listing the quants the repo has;
 * a 401 or 403 says how `HF_TOKEN` would help (`hasToken`: whether `fetchFn` sends one).
 */
export async function resolvePullSource(
  uri: ModelUri,
  endpoint: string,
  fetchFn: typeof fetch,
  hasToken = false,
): Promise<PullSourceResult> {
  if (uri.kind === "url") {
    const fileName = decodeURIComponent(uri.url.pathname.split("/").pop() ?? "");
    if (!/^[^/\\]+\.gguf$/i.test(fileName) || fileName.startsWith("."))
      return {
        ok: false,
        error: `${uri.url.origin}${uri.url.pathname}: the URL must end in a file name *.gguf`,
      };
    return { ok: true, source: { url: uri.url, fileName } };
  }
  const base = endpoint.replace(/\/+$/, "");
  const apiUrl = `${base}/api/models/${uri.repo}?blobs=true`;
  let response: Response;
  try {
    response = await fetchFn(apiUrl);
  } catch (error) {
    return { ok: false, error: `cannot reach ${base}: ${describeError(error)}` };
  }
  const refusal = describeHfRefusal(response.status, hasToken);
  if (refusal !== undefined)
    return {
      ok: false,
      error: `hf:${uri.repo}: no such repository at ${base}, or no access (HTTP ${response.status}): ${refusal}`,
    };
  if (response.status === 404)
    return { ok: false, error: `hf:${uri.repo}: no such repository at ${base} (HTTP ${response.status})` };
  if (!response.ok)
    return { ok: false, error: `hf:${uri.repo}: ${base} answered HTTP ${response.status} listing the files` };
  const siblings = await readSiblings(response);
  if (siblings === undefined)
    return { ok: false, error: `hf:${uri.repo}: ${base} sent a file list this version cannot read` };
  const ggufs = siblings.filter((file) => file.rfilename.toLowerCase().endsWith(".gguf"));
  const picked = uri.kind === "hf-file" ? pickFile(uri, ggufs) : pickQuant(uri, ggufs);
  if (!picked.ok) return picked;
  const file = picked.file;
  const sha256 = file.lfs?.sha256?.toLowerCase();
  const size = file.lfs?.size ?? file.size;
  const path = file.rfilename.split("/").map(encodeURIComponent).join("/");
  return {
    ok: true,
    source: {
      url: new URL(`${base}/${uri.repo}/resolve/main/${path}`),
      fileName: file.rfilename.split("/").pop() ?? file.rfilename,
      ...(size === undefined ? {} : { size }),
      ...(sha256 !== undefined && SHA256.test(sha256) ? { sha256 } : {}),
    },
  };
}

function pickFile(uri: Extract<ModelUri, { kind: "hf-file" }>, ggufs: Sibling[]) {
  const file = ggufs.find((entry) => entry.rfilename === uri.file);
  if (file !== undefined) return { ok: true as const, file };
  const names = ggufs.map((entry) => entry.rfilename);
  return {
    ok: false as const,
    error: `hf:${uri.repo}: no file '${uri.file}'; its .gguf files: ${names.length > 0 ? names.join(", ") : "none"}`,
  };
}

function pickQuant(uri: Extract<ModelUri, { kind: "hf-quant" }>, ggufs: Sibling[]) {
  const wanted = uri.quant.toUpperCase();
  const matches = ggufs.filter((entry) => quantOf(entry.rfilename) === wanted);
  const [only] = matches;
  if (only !== undefined && matches.length === 1) return { ok: true as const, file: only };
  if (matches.length > 1)
    return {
      ok: false as const,
      error: `hf:${uri.repo}:${uri.quant} matches ${matches.length} files (${matches.map((entry) => entry.rfilename).join(", ")}); name one with hf:${uri.repo}/FILE.gguf (split models are not pulled by neuron pull)`,
    };
  const quants = [...new Set(ggufs.map((entry) => quantOf(entry.rfilename)).filter((q) => q !== undefined))];
  return {
    ok: false as const,
    error: `hf:${uri.repo}: no ${wanted} file; quants available: ${quants.length > 0 ? quants.sort().join(", ") : "none (no .gguf files)"}`,
  };
}

/** The quantisation named in a GGUF file name (`…-Q4_K_M.gguf`, `….q8_0.gguf`, `…-f16.gguf`), upper-cased. */
export function quantOf(fileName: string): string | undefined {
  const stem = (fileName.split("/").pop() ?? fileName).replace(/\.gguf$/i, "");
  const match = /(?:^|[-._])((?:I?Q\d(?:_[A-Z0-9]+)*)|BF16|F16|F32)(?=$|[-._])/i.exec(stem);
  return match?.[1]?.toUpperCase();
}

async function readSiblings(response: Response): Promise<Sibling[] | undefined> {
  try {
    const body = (await response.json()) as { siblings?: unknown };
    if (!Array.isArray(body.siblings)) return undefined;
    return body.siblings.filter(
      (entry): entry is Sibling =>
        typeof entry === "object" && entry !== null && typeof (entry as Sibling).rfilename === "string",
    );
  } catch {
    return undefined;
  }
}

function describeError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error instanceof Error ? error.message : String(error)}${cause}`;
}
