import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { NginxBinary } from "./find-nginx.js";
import { freePort } from "./free-port.js";
import type { ProxyTarget } from "./proxy-target.js";
import { startProcess } from "./start-process.js";
import { waitForHttp } from "./wait-for-http.js";

function nginxConfig(scratch: string, port: number, upstream: URL): string {
  return `worker_processes 1;
daemon off;
master_process on;
pid ${join(scratch, "nginx.pid")};
error_log ${join(scratch, "nginx-error.log")} warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${join(scratch, "nginx-body")};
  proxy_temp_path ${join(scratch, "nginx-proxy")};
  fastcgi_temp_path ${join(scratch, "nginx-fastcgi")};
  uwsgi_temp_path ${join(scratch, "nginx-uwsgi")};
  scgi_temp_path ${join(scratch, "nginx-scgi")};
  keepalive_requests 1000000;
  upstream stub {
    server ${upstream.host};
    keepalive 1024;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://stub;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`;
}

/**
 * nginx `proxy_pass` in front of `upstreamUrl`, one worker (cortex is one Node process), upstream keep-alive
 * and no buffering: the floor for any proxy.
 */
export async function startNginx(
  binary: NginxBinary,
  scratch: string,
  upstreamUrl: string,
): Promise<ProxyTarget> {
  const port = await freePort();
  const configPath = join(scratch, "nginx.conf");
  await writeFile(configPath, nginxConfig(scratch, port, new URL(upstreamUrl)));
  const started = await startProcess({
    name: "nginx",
    command: binary.path,
    args: ["-p", scratch, "-e", join(scratch, "nginx-error.log"), "-c", configPath],
    cwd: scratch,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${baseUrl}/health`, { timeoutMs: 20_000 });
  } catch (error) {
    await started.stop();
    throw error;
  }
  return { name: "nginx", baseUrl, headers: {}, pid: started.pid, stop: () => started.stop() };
}
