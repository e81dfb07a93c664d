import { readFile } from "node:fs/promises";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  /** `path:line:function`, the path relative to the repository root where it lies inside it. */
  location: string;
  /** Share of sampled time, 0..1. */
  share: number;
}

function locate(node: ProfileNode, root: string): string {
  const { url, lineNumber, functionName } = node.callFrame;
  const path = url.replace(/^file:\/\//, "").replace(`${root}/`, "");
  return `${path || "(native)"}:${lineNumber + 1}:${functionName || "(anonymous)"}`;
}

/**
 * Self time per function of a V8 `.cpuprofile` (from `node --cpu-prof`), and self time summed per package
 * folder, biggest first: where the process spent its time.
 */
export async function summarizeCpuProfile(
  path: string,
  root: string,
): Promise<{ functions: HotSpot[]; packages: HotSpot[] }> {
  const profile = JSON.parse(await readFile(path, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[index] ?? 0;
    if (node === undefined) return;
    total += delta;
    const location = locate(node, root);
    functions.set(location, (functions.get(location) ?? 0) + delta);
    const folder =
      /node_modules\/\.pnpm\/([^/]+)\//.exec(location)?.[1] ??
      /^((?:apps|packages)\/[^/]+)\//.exec(location)?.[1] ??
      (location.startsWith("node:") ? "node internals" : location.split(":")[0]!);
    packages.set(folder, (packages.get(folder) ?? 0) + delta);
  });
  const ranked = (entries: Map<string, number>) =>
    [...entries]
      .map(([location, time]) => ({ location, share: total === 0 ? 0 : time / total }))
      .sort((a, b) => b.share - a.share);
  return { functions: ranked(functions), packages: ranked(packages) };
}
