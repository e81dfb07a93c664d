import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
/** `apps/gateway/assets/`: the same relative place from `src/ui/` and from `dist/ui/`. */
const own = (name: string) => fileURLToPath(new URL(`../../assets/${name}`, import.meta.url));

/** The files the dashboard loads, each from this package or its `uplot` dependency: no CDN, no build step. */
const ASSETS: Record<string, { path: () => string; type: string }> = {
  "uplot.js": { path: () => require.resolve("uplot/dist/uPlot.iife.min.js"), type: "text/javascript" },
  "uplot.css": { path: () => require.resolve("uplot/dist/uPlot.min.css"), type: "text/css" },
  "dashboard.js": { path: () => own("dashboard.js"), type: "text/javascript" },
  "dashboard.css": { path: () => own("dashboard.css"), type: "text/css" },
};

const cache = new Map<string, Promise<Buffer>>();

/** `GET /ui/assets/{name}`: a known asset (read once, then from memory), or null for any other name. */
export async function serveAsset(name: string): Promise<Response | null> {
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (asset === undefined) return null;
  let bytes = cache.get(name);
  if (bytes === undefined) {
    bytes = readFile(asset.path());
    cache.set(name, bytes);
    bytes.catch(() => cache.delete(name));
  }
  return new Response(new Uint8Array(await bytes), {
    headers: {
      "content-type": `${asset.type}; charset=utf-8`,
      "cache-control": "public, max-age=300",
      "x-content-type-options": "nosniff",
    },
  });
}
