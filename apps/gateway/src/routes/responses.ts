import type { Dispatch } from "../dispatch/dispatch.js";
import { createProxyRoute } from "./internal/create-proxy-route.js";

/** `POST /v1/responses`: the OpenAI Responses API, passed through (the neuron speaks it natively). */
export function createResponsesRoute(dispatch: Dispatch, maxBodyBytes: number) {
  return createProxyRoute("/v1/responses", dispatch, maxBodyBytes);
}
