import type { Dispatch } from "../dispatch/dispatch.js";
import { createProxyRoute } from "./internal/create-proxy-route.js";

/** `POST /v1/completions`: legacy OpenAI completions. */
export function createCompletionsRoute(dispatch: Dispatch, maxBodyBytes: number) {
  return createProxyRoute("/v1/completions", dispatch, maxBodyBytes);
}
