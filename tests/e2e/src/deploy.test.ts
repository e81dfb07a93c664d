import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { type Fleet, startFleet, TINY } from "./support/start-fleet.js";

// deploy/: the systemd units pass `systemd-analyze verify` without a warning and stay hardened; every
// metric the Grafana dashboard queries exists on the live /metrics of a real cortex and neuron.
const deploy = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "deploy");
const units = ["helexa-neuron.service", "helexa-cortex.service"];

function systemdAnalyze(args: string[]) {
  const result = spawnSync("systemd-analyze", args, { cwd: join(deploy, "systemd"), encoding: "utf8" });
  if (result.error !== undefined)
    throw new Error(
      `systemd-analyze is needed (apt-get install systemd; .ci/run does it): ${result.error.message}`,
    );
  return result;
}

describe("deploy/systemd", () => {
  it("both units pass systemd-analyze verify with nothing to say about them", () => {
    const result = systemdAnalyze(["verify", "--man=no", ...units.map((unit) => `./${unit}`)]);
    const complaints = `${result.stdout}${result.stderr}`
      .split("\n")
      .filter((line) => line.includes("helexa") || line.includes(".service:"));
    expect(complaints).toEqual([]);
    expect(result.status).toBe(0);
  });

  it("a misspelt directive would be caught (the check above can fail)", () => {
    const text = readFileSync(join(deploy, "systemd", units[1] ?? ""), "utf8").replace(
      "NoNewPrivileges=yes",
      "NoNewPrivilege=yes",
    );
    const result = spawnSync(
      "sh",
      ["-c", 'f="$(mktemp -d)/broken.service"; cat > "$f"; systemd-analyze verify --man=no "$f"'],
      {
        input: text,
        encoding: "utf8",
      },
    );
    expect(result.stderr).toContain("Unknown key 'NoNewPrivilege'");
  });

  it.each(units)("%s runs as the helexa user, hardened (offline exposure under 3.0)", (unit) => {
    const text = readFileSync(join(deploy, "systemd", unit), "utf8");
    for (const line of [
      "User=helexa",
      "NoNewPrivileges=yes",
      "ProtectSystem=strict",
      "PrivateTmp=yes",
      "ProtectHome=yes",
    ])
      expect(text.split("\n")).toContain(line);
    const result = systemdAnalyze([
      "security",
      "--offline=true",
      "--no-pager",
      "--threshold=30",
      `./${unit}`,
    ]);
    expect(result.status, result.stdout.split("\n").slice(-3).join("\n")).toBe(0);
  });

  it("the neuron's unit reaches NVIDIA and DRI devices and nothing else", () => {
    const lines = readFileSync(join(deploy, "systemd", "helexa-neuron.service"), "utf8").split("\n");
    expect(lines).toContain("DevicePolicy=closed");
    expect(lines.filter((line) => line.startsWith("DeviceAllow=")).sort()).toEqual([
      "DeviceAllow=char-drm rw",
      "DeviceAllow=char-nvidia-caps rw",
      "DeviceAllow=char-nvidia-frontend rw",
      "DeviceAllow=char-nvidia-uvm rw",
    ]);
  });
});

describe("deploy/prometheus and deploy/grafana against live /metrics", () => {
  let fleet: Fleet;
  let exposed: Map<string, string>;

  beforeAll(async () => {
    fleet = await startFleet();
    // One request so the per-model series exist as well as their # TYPE lines.
    const reply = await fetch(`${fleet.cortexUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: TINY, messages: [{ role: "user", content: "hi" }], max_tokens: 4 }),
    });
    expect(reply.status).toBe(200);
    await reply.text();
    exposed = new Map();
    for (const url of [fleet.cortexMetricsUrl, `${fleet.neuronUrl}/metrics`]) {
      const text = await (await fetch(url)).text();
      for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm))
        exposed.set(match[1] ?? "", match[2] ?? "");
    }
  }, 180_000);
  afterAll(() => fleet?.stop());

  const exists = (name: string) => {
    if (exposed.has(name)) return true;
    const base = name.replace(/_(bucket|sum|count)$/, "");
    return base !== name && exposed.get(base) === "histogram";
  };

  it("every metric the dashboard queries is exported by cortex or the neuron", () => {
    const dashboard = JSON.parse(readFileSync(join(deploy, "grafana", "helexa-fleet.json"), "utf8")) as {
      panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
    };
    const queried = dashboard.panels.flatMap((panel) =>
      (panel.targets ?? []).flatMap((target) =>
        [...target.expr.matchAll(/\b(?:cortex|neuron)_[a-z0-9_]+\b/g)].map((m) => m[0]),
      ),
    );
    expect(queried.length).toBeGreaterThan(20);
    expect(exposed.size, [...exposed.keys()].join(" ")).toBeGreaterThan(20);
    expect([...new Set(queried)].filter((name) => !exists(name))).toEqual([]);
    // Both processes are on the dashboard.
    expect(queried.some((name) => name.startsWith("cortex_"))).toBe(true);
    expect(queried.some((name) => name.startsWith("neuron_"))).toBe(true);
  });

  it("the scrape config has a job per process on the ports the configs use", () => {
    const config = parseYaml(readFileSync(join(deploy, "prometheus", "prometheus.yml"), "utf8")) as {
      scrape_configs: Array<{
        job_name: string;
        metrics_path: string;
        static_configs: Array<{ targets: string[] }>;
      }>;
    };
    const job = (name: string) => config.scrape_configs.find((entry) => entry.job_name === name);
    expect(job("helexa-cortex")?.metrics_path).toBe("/metrics");
    expect(job("helexa-cortex")?.static_configs[0]?.targets).toEqual(["127.0.0.1:31314"]);
    expect(job("helexa-neuron")?.metrics_path).toBe("/metrics");
    expect(
      job("helexa-neuron")?.static_configs[0]?.targets.every((target) => target.endsWith(":13131")),
    ).toBe(true);
  });
});
