import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildInfo } from "@helexa/core";

function readVersion(packageJson: string): string | null {
  try {
    return (JSON.parse(readFileSync(packageJson, "utf8")) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

function git(args: string[], cwd: string): string | null {
  try {
    return execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "ignore"], timeout: 5_000 })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

/** Build identity: package version, git revision (`buildSha` wins over asking git), Node and node-llama-cpp versions. */
export function createBuildInfo(buildSha?: string): BuildInfo {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
  let engineVersion: string | null = null;
  try {
    const entry = fileURLToPath(import.meta.resolve("node-llama-cpp"));
    engineVersion = readVersion(resolve(dirname(entry), "..", "package.json"));
  } catch {
    engineVersion = null;
  }
  const shaLong = buildSha ?? git(["rev-parse", "HEAD"], root);
  const dirty =
    buildSha === undefined ? (git(["status", "--porcelain", "--", "."], root) ?? "") !== "" : false;
  return {
    package_version: readVersion(resolve(root, "package.json")) ?? "0.0.0",
    git_sha: shaLong === null ? "unknown" : shaLong.slice(0, 7),
    git_sha_long: shaLong,
    git_dirty: dirty,
    build_timestamp: null,
    profile: null,
    target: `${process.platform}-${process.arch}`,
    features: [],
    node_version: process.version,
    node_llama_cpp_version: engineVersion,
    llama_cpp_release: null,
    candle_version: null,
  };
}
