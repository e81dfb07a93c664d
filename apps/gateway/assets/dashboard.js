// helexa dashboard: refreshes the fleet and usage fragments, draws the traffic charts with uPlot, and
// sends admin actions. Plain browser JavaScript, served as is by cortex (no build step).
(() => {
  const REFRESH_MS = 2000;
  const fleet = document.getElementById("fleet");
  const usage = document.getElementById("usage");
  const status = document.getElementById("action-status");
  const live = document.getElementById("live");
  const chartsBox = document.getElementById("charts");
  const totalsBody = document.getElementById("traffic-totals");
  const charts = new Map();
  const palette = ["#0b5cad", "#cf222e", "#1a7f37", "#9a6700", "#8250df", "#0a7f8f", "#bc4c00", "#57606a"];
  const CHARTS = [
    { id: "rps", title: "Requests / s", fields: [["requests_per_s", ""]] },
    { id: "errors", title: "Error rate", fields: [["error_rate", ""]], percent: true },
    {
      id: "latency",
      title: "Latency (s)",
      fields: [
        ["latency_p50_s", " p50"],
        ["latency_p95_s", " p95"],
      ],
    },
    {
      id: "ttft",
      title: "Time to first token (s)",
      fields: [
        ["ttft_p50_s", " p50"],
        ["ttft_p95_s", " p95"],
      ],
    },
    {
      id: "tokens",
      title: "Tokens / s",
      fields: [
        ["tokens_in_per_s", " in"],
        ["tokens_out_per_s", " out"],
      ],
    },
    {
      id: "cache",
      title: "Prompt cache hit ratio",
      fields: [
        ["cache_hit_ratio", " hit"],
        ["expected_cache_hit_ratio", " expected"],
      ],
      percent: true,
    },
  ];

  /** Replaces a section's body with a fresh server-rendered fragment; a 401 reloads (the login page). */
  async function refreshFragment(section, url) {
    const response = await fetch(url, { headers: { accept: "text/html" }, cache: "no-store" });
    if (response.status === 401) {
      location.reload();
      return;
    }
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const html = await response.text();
    // Keep a half-filled load form (the chosen model) across refreshes.
    const chosen = new Map(
      [...section.querySelectorAll("form[data-load-form]")].map((form) => [
        form.dataset.node,
        form.model.value,
      ]),
    );
    const body = section.querySelector(":scope > div");
    if (body !== null) body.outerHTML = html;
    for (const form of section.querySelectorAll("form[data-load-form]")) {
      const value = chosen.get(form.dataset.node);
      if (value !== undefined && [...form.model.options].some((option) => option.value === value))
        form.model.value = value;
    }
  }

  function chartOptions(spec, labels, width) {
    return {
      width,
      height: 180,
      scales: {
        x: { time: true },
        // From 0, so an idle model reads as a flat line at the bottom; a rate tops out at 100%.
        y: { range: (_u, _min, max) => [0, spec.percent ? 1 : max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        {},
        {
          size: 56,
          values: (_u, ticks) =>
            ticks.map((tick) => (spec.percent ? `${Math.round(tick * 100)}%` : String(+tick.toPrecision(3)))),
        },
      ],
      series: [
        {},
        ...labels.map((label, index) => ({
          label,
          stroke: palette[index % palette.length],
          width: 1.5,
          spanGaps: false,
        })),
      ],
      legend: { show: true },
    };
  }

  function drawCharts(traffic) {
    const models = Object.keys(traffic.models);
    const width = Math.max(
      320,
      Math.floor(
        (chartsBox.clientWidth || 900) / Math.max(1, Math.floor((chartsBox.clientWidth || 900) / 440)),
      ) - 24,
    );
    for (const spec of CHARTS) {
      const labels = [];
      const data = [traffic.times];
      for (const model of models) {
        for (const [field, suffix] of spec.fields) {
          labels.push(model + suffix);
          data.push(traffic.models[model][field]);
        }
      }
      const key = labels.join("\u0000");
      let entry = charts.get(spec.id);
      if (entry === undefined || entry.key !== key) {
        if (entry !== undefined) entry.plot.destroy();
        let box = document.getElementById(`chart-${spec.id}`);
        if (box === null) {
          box = document.createElement("div");
          box.className = "chart";
          box.id = `chart-${spec.id}`;
          const title = document.createElement("h3");
          title.textContent = spec.title;
          box.append(title);
          chartsBox.append(box);
        }
        const plot = new uPlot(chartOptions(spec, labels, width), data, box);
        entry = { key, plot };
        charts.set(spec.id, entry);
      } else {
        entry.plot.setData(data);
      }
    }
  }

  function fmt(value, digits) {
    return value === null || value === undefined ? "—" : value.toFixed(digits);
  }

  /** A ratio series over the window, weighted by each interval's prompt tokens; "—" with no prompt. */
  function windowRatio(ratios, promptRates) {
    let prompt = 0;
    let hits = 0;
    ratios.forEach((ratio, index) => {
      const rate = promptRates[index] ?? 0;
      prompt += rate;
      hits += (ratio ?? 0) * rate;
    });
    return prompt > 0 ? `${Math.round((hits / prompt) * 100)}%` : "—";
  }

  function drawTotals(traffic) {
    const rows = [];
    for (const [model, series] of Object.entries(traffic.models)) {
      const sum = (values) => values.reduce((total, value) => total + (value ?? 0), 0);
      const requests = sum(series.requests);
      const seconds = traffic.interval_ms / 1000;
      const errors = series.error_rate.reduce(
        (total, rate, index) => total + (rate ?? 0) * (series.requests[index] || 0),
        0,
      );
      const last = (values) => [...values].reverse().find((value) => value !== null) ?? null;
      const row = document.createElement("tr");
      row.dataset.model = model;
      row.dataset.requests = String(requests);
      for (const text of [
        model,
        String(requests),
        String(Math.round(errors)),
        fmt(last(series.latency_p50_s), 3),
        fmt(last(series.ttft_p50_s), 3),
        `${Math.round(sum(series.tokens_in_per_s) * seconds)} / ${Math.round(sum(series.tokens_out_per_s) * seconds)}`,
        windowRatio(series.cache_hit_ratio, series.tokens_in_per_s),
        windowRatio(series.expected_cache_hit_ratio, series.tokens_in_per_s),
      ]) {
        const cell = document.createElement("td");
        cell.textContent = text;
        row.append(cell);
      }
      rows.push(row);
    }
    totalsBody.replaceChildren(...rows);
  }

  async function refreshTraffic() {
    const response = await fetch("/ui/traffic.json", { cache: "no-store" });
    if (!response.ok) throw new Error(`traffic: HTTP ${response.status}`);
    const traffic = await response.json();
    if (typeof uPlot === "function") drawCharts(traffic);
    drawTotals(traffic);
  }

  async function refresh() {
    try {
      await Promise.all([
        refreshFragment(fleet, "/ui/fleet"),
        refreshFragment(usage, "/ui/usage"),
        refreshTraffic(),
      ]);
      live.textContent = `live · updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      live.textContent = `reconnecting… (${error.message})`;
    }
  }

  function say(text, failed) {
    status.textContent = text;
    status.classList.toggle("failed", failed);
  }

  async function act(action, model, node) {
    say(`${action} ${model} on ${node}…`, false);
    const response = await fetch(`/admin/models/${action}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model, node }),
    });
    const body = await response.json().catch(() => ({}));
    if (response.ok) say(`${action} ${model} on ${node}: ${body.status ?? "done"}`, false);
    else
      say(`${action} ${model} on ${node} failed: ${body.error?.message ?? `HTTP ${response.status}`}`, true);
    await refresh();
  }

  fleet.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (button === null || button.dataset.action === "load") return;
    void act(button.dataset.action, button.dataset.model, button.dataset.node);
  });
  fleet.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-load-form]");
    if (form === null) return;
    event.preventDefault();
    void act("load", form.model.value, form.dataset.node);
  });

  void refresh();
  setInterval(() => void refresh(), REFRESH_MS);
})();
