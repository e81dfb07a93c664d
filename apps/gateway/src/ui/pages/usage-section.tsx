import type { KeyUsage } from "../../entitlements/key-usage.js";
import type { RefusalEvent } from "../traffic/traffic-series.js";
import { formatCount } from "./format.js";

/** Usage per key (spent, cap, window) and the refusals of the last 15 minutes. */
export function UsageSection(props: { keys: KeyUsage[] | null; refusals: readonly RefusalEvent[] }) {
  return (
    <div id="usage-body">
      {props.keys === null ? (
        <p class="empty">cortex runs without keys: requests are not metered per key.</p>
      ) : (
        <table class="usage">
          <thead>
            <tr>
              <th>Key</th>
              <th>Account</th>
              <th>Spent</th>
              <th>Reserved</th>
              <th>Cap</th>
              <th>Window</th>
            </tr>
          </thead>
          <tbody>
            {props.keys.map((usage) => {
              const used = usage.hard_cap === null || usage.hard_cap === 0 ? 0 : usage.spent / usage.hard_cap;
              return (
                <tr data-key={usage.key_id}>
                  <td>{usage.key_id}</td>
                  <td>{usage.account_id}</td>
                  <td>
                    {formatCount(usage.spent)}
                    {usage.hard_cap === null ? null : (
                      <span class="bar small">
                        <span style={`width:${Math.min(100, used * 100).toFixed(1)}%`} />
                      </span>
                    )}
                  </td>
                  <td>{formatCount(usage.reserved)}</td>
                  <td>{usage.hard_cap === null ? "uncapped" : formatCount(usage.hard_cap)}</td>
                  <td>{usage.window.kind === "balance" ? "balance" : `rolling ${usage.window.seconds} s`}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <h3>Recent refusals</h3>
      {props.refusals.length === 0 ? (
        <p class="empty">None in the last 15 minutes.</p>
      ) : (
        <table class="refusals">
          <thead>
            <tr>
              <th>When</th>
              <th>Kind</th>
              <th>Reason</th>
              <th>Key</th>
              <th>Count</th>
            </tr>
          </thead>
          <tbody>
            {props.refusals.map((refusal) => (
              <tr>
                <td>{refusal.time.slice(11, 19)}</td>
                <td>{refusal.kind}</td>
                <td>{refusal.reason}</td>
                <td>{refusal.key_id ?? "—"}</td>
                <td>{refusal.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
