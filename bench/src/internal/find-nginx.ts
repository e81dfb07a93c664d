import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export interface NginxBinary {
  path: string;
  version: string;
}

const candidates = ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx", "/usr/local/bin/nginx"];

/** The nginx binary on this machine and its version, or null when there is none. */
export function findNginx(): NginxBinary | null {
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    // `nginx -v` prints "nginx version: nginx/1.22.1" on stderr.
    const result = spawnSync(path, ["-v"], { encoding: "utf8", timeout: 5000 });
    if (result.status !== 0) continue;
    const version = /nginx\/(\S+)/.exec(`${result.stderr}${result.stdout}`)?.[1] ?? "unknown";
    return { path, version };
  }
  return null;
}
