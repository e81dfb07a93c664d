import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { join } from "node:path";
import type { MachineInfo } from "./bench-types.js";
import { findNginx } from "./internal/find-nginx.js";

const trackedPackages = [
  "@helexa/core",
  "@helexa/gateway",
  "@helexa/neuron",
  "@portkey-ai/gateway",
  "autocannon",
  "node-llama-cpp",
];

function packageVersion(benchRoot: string, name: string): string | null {
  try {
    const manifest: unknown = JSON.parse(
      readFileSync(join(benchRoot, "node_modules", name, "package.json"), "utf8"),
    );
    const version = (manifest as { version?: unknown }).version;
    return typeof version === "string" ? version : null;
  } catch {
    return null;
  }
}

function git(root: string, args: string[]): string | null {
  try {
    return execFileSync("git", args, {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return null;
  }
}

/** The machine and software a run measured: CPU, memory, Node, the versions compared, the commit. */
export function collectMachineInfo(root: string): MachineInfo {
  const processors = cpus();
  const packages: Record<string, string | null> = {};
  for (const name of trackedPackages) packages[name] = packageVersion(join(root, "bench"), name);
  packages.nginx = findNginx()?.version ?? null;
  const status = git(root, ["status", "--porcelain", "--untracked-files=no"]);
  return {
    cpu_model: processors[0]?.model.trim() ?? "unknown",
    cores: processors.length,
    memory_bytes: totalmem(),
    platform: `${process.platform}-${process.arch}`,
    kernel: release(),
    node_version: process.version,
    git_sha: git(root, ["rev-parse", "HEAD"]) ?? "unknown",
    git_dirty: status !== null && status.length > 0,
    packages,
  };
}
