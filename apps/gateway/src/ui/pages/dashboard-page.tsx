import type { Child } from "hono/jsx";
import type { DashboardAccess } from "../dashboard-access.js";
import { Layout } from "./layout.js";

/** Who is signed in, for the header. */
function whoText(access: DashboardAccess): string {
  if (access.mode === "open") return "open mode (no keys configured): everyone is admin";
  if (access.identity === null) return "anonymous (read-only)";
  return `${access.identity.keyId} (${access.admin ? "admin" : "user"})`;
}

/**
 * The dashboard: fleet, traffic charts and usage. The fleet and usage sections are rendered here and
 * re-fetched as HTML fragments every 2 s by `dashboard.js`, which also draws the charts with uPlot.
 */
export function DashboardPage(props: { access: DashboardAccess; fleet: Child; usage: Child }) {
  const { access } = props;
  return (
    <Layout title="helexa · fleet" scripts={["/ui/assets/uplot.js", "/ui/assets/dashboard.js"]}>
      <header class="top">
        <h1>helexa fleet</h1>
        <span class="who" data-role={access.admin ? "admin" : "user"}>
          {whoText(access)}
        </span>
        {access.viaCookie ? (
          <form method="post" action="/ui/logout" class="logout">
            <button type="submit">Sign out</button>
          </form>
        ) : null}
        <span id="live" class="meta">
          live
        </span>
      </header>
      <main>
        <p id="action-status" role="status" />
        <section id="fleet" data-admin={access.admin ? "true" : "false"}>
          <h2>Fleet</h2>
          {props.fleet}
        </section>
        <section id="traffic">
          <h2>Traffic (last 15 minutes)</h2>
          <div id="charts" />
          <table class="traffic-totals">
            <thead>
              <tr>
                <th>Model</th>
                <th>Requests</th>
                <th>Errors</th>
                <th>Latency p50</th>
                <th>TTFT p50</th>
                <th>Tokens in / out</th>
                <th title="Prompt tokens the neurons reused from KV state, over prompt tokens">Cache hit</th>
                <th title="Prompt tokens cache-aware routing expected cached, over prompt tokens">
                  Expected hit
                </th>
              </tr>
            </thead>
            <tbody id="traffic-totals" />
          </table>
        </section>
        <section id="usage">
          <h2>Usage</h2>
          {props.usage}
        </section>
      </main>
    </Layout>
  );
}
