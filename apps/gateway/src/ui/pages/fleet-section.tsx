import type { AdminAction } from "../admin/create-action-log.js";
import type { ModelView, NodeView } from "../build-fleet-view.js";
import { formatMib, formatUptime } from "./format.js";

/** The fleet: one card per neuron (health, GPUs, models); admins also get the actions and their log. */
export function FleetSection(props: { nodes: NodeView[]; admin: boolean; actions: readonly AdminAction[] }) {
  return (
    <div id="fleet-body">
      {props.nodes.length === 0 ? <p class="empty">No neurons are configured.</p> : null}
      {props.nodes.map((node) => (
        <NodeCard node={node} admin={props.admin} />
      ))}
      {props.admin ? <ActionLogTable actions={props.actions} /> : null}
    </div>
  );
}

function NodeCard(props: { node: NodeView; admin: boolean }) {
  const { node } = props;
  const health = node.healthy ? (node.draining ? "draining" : "healthy") : "unhealthy";
  return (
    <article class="node" data-node={node.name}>
      <header>
        <h3>{node.name}</h3>
        <span class={`badge ${health}`} data-health={health}>
          {health}
        </span>
        <span class="meta">
          up {formatUptime(node.uptimeSecs)} · {node.version === null ? "version —" : `v${node.version}`}
          {node.backend === null ? "" : ` · ${node.backend}`}
        </span>
      </header>
      {node.reason === null ? null : <p class="reason">{node.reason}</p>}
      {node.gpus.length === 0 ? (
        <p class="meta">No GPUs reported (CPU host, or not polled yet).</p>
      ) : (
        <ul class="gpus">
          {node.gpus.map((gpu) => {
            const total = gpu.totalMb ?? gpu.usedMb + gpu.freeMb;
            const used = total > 0 ? Math.min(100, (gpu.usedMb / total) * 100) : 0;
            return (
              <li>
                <span class="gpu-name">
                  {gpu.index}: {gpu.name}
                </span>
                <span class="bar" title={`${formatMib(gpu.usedMb)} used, ${formatMib(gpu.freeMb)} free`}>
                  <span style={`width:${used.toFixed(1)}%`} />
                </span>
                <span class="meta">
                  {formatMib(gpu.usedMb)} used · {formatMib(gpu.freeMb)} free
                </span>
              </li>
            );
          })}
        </ul>
      )}
      <table class="models">
        <thead>
          <tr>
            <th>Model</th>
            <th>Status</th>
            <th>In flight</th>
            <th>Queue</th>
            <th>Context</th>
            {props.admin ? <th>Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {node.models.map((model) => (
            <ModelRow model={model} node={node.name} admin={props.admin} />
          ))}
        </tbody>
      </table>
      {props.admin && node.loadable.length > 0 ? (
        <form class="load-form" data-load-form data-node={node.name}>
          <label>
            Load onto {node.name}:{" "}
            <select name="model">
              {node.loadable.map((id) => (
                <option value={id}>{id}</option>
              ))}
            </select>
          </label>{" "}
          <button type="submit" data-action="load">
            Load
          </button>
        </form>
      ) : null}
    </article>
  );
}

function ModelRow(props: { model: ModelView; node: string; admin: boolean }) {
  const { model } = props;
  const capacity = model.maxInFlight === null ? "" : ` / ${model.maxInFlight}`;
  const queueCap = model.maxQueueDepth === null ? "" : ` / ${model.maxQueueDepth}`;
  return (
    <tr data-model={model.id} data-status={model.status}>
      <td class="model-id">
        {model.id}
        {model.pinned ? <span class="pin"> (pinned)</span> : null}
      </td>
      <td>
        <span class={`badge ${model.status}`}>{model.status}</span>
        {model.progress === null ? null : (
          <span class="progress" title={model.progress.phase}>
            {" "}
            {model.progress.phase} {Math.round(model.progress.fraction * 100)}%
            <progress max="1" value={model.progress.fraction.toFixed(3)} />
          </span>
        )}
      </td>
      <td>
        {model.inFlight}
        {capacity}
      </td>
      <td>
        {model.queueDepth}
        {queueCap}
      </td>
      <td>{model.contextSize ?? "—"}</td>
      {props.admin ? (
        <td class="actions">
          {model.status === "loaded" ? (
            <button type="button" data-action="unload" data-model={model.id} data-node={props.node}>
              Unload
            </button>
          ) : null}
          {model.pinnable ? (
            <button
              type="button"
              data-action={model.pinned ? "unpin" : "pin"}
              data-model={model.id}
              data-node={props.node}
            >
              {model.pinned ? "Unpin" : "Pin"}
            </button>
          ) : null}
        </td>
      ) : null}
    </tr>
  );
}

function ActionLogTable(props: { actions: readonly AdminAction[] }) {
  if (props.actions.length === 0) return null;
  return (
    <section class="action-log">
      <h3>Recent actions</h3>
      <table>
        <thead>
          <tr>
            <th>When</th>
            <th>Action</th>
            <th>Model</th>
            <th>Node</th>
            <th>By</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {props.actions.map((action) => (
            <tr data-action-state={action.state}>
              <td>{action.started_at.slice(11, 19)}</td>
              <td>{action.action}</td>
              <td>{action.model}</td>
              <td>{action.node}</td>
              <td>{action.by ?? "open"}</td>
              <td>
                {action.state}
                {action.message === null ? "" : `: ${action.message}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
