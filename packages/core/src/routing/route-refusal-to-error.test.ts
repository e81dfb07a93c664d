import { describe, expect, it } from "vitest";
import { renderOpenAiError } from "../errors/render-error.js";
import type { RouteRefusal } from "./route-plan.js";
import { routeRefusalToError } from "./route-refusal-to-error.js";

const names = { model: "Qwen/Qwen3.6-27B", requested: "helexa/large" };

describe("routeRefusalToError", () => {
  it.each<[RouteRefusal, number, string, string, string | undefined, string]>([
    [
      { kind: "model_not_found", ...names },
      404,
      "invalid_request_error",
      "model_not_found",
      undefined,
      "model 'Qwen/Qwen3.6-27B' not found on any node and not in catalogue",
    ],
    [
      { kind: "no_healthy_nodes", ...names, retryAfterSecs: 5 },
      503,
      "api_error",
      "service_unavailable",
      "5",
      "no healthy nodes available",
    ],
    [
      { kind: "model_recovering", ...names, node: "beast", retryAfterSecs: 2 },
      503,
      "api_error",
      "service_unavailable",
      "2",
      "model 'Qwen/Qwen3.6-27B' is recovering on node 'beast' (device context rebuild in progress) — retry shortly",
    ],
    [
      { kind: "no_feasible_node", ...names, cause: "topology" },
      503,
      "api_error",
      "service_unavailable",
      undefined,
      "model 'Qwen/Qwen3.6-27B' is in the catalogue but no healthy neuron's topology satisfies its constraints",
    ],
  ])("%o", (refusal, status, type, code, retryAfter, message) => {
    const rendered = renderOpenAiError(routeRefusalToError(refusal));
    expect(rendered.status).toBe(status);
    expect(rendered.headers["retry-after"]).toBe(retryAfter);
    expect(rendered.body.error).toMatchObject({ type, code, message });
    expect(rendered.body.error.message).not.toContain("helexa/large");
  });

  it("gives a capacity refusal a Retry-After", () => {
    const error = routeRefusalToError({
      kind: "no_feasible_node",
      ...names,
      cause: "capacity",
      retryAfterSecs: 5,
    });
    expect(error.statusCode).toBe(503);
    expect(error.retryAfterSecs).toBe(5);
    expect(error.message).toContain("retry shortly");
  });
});
