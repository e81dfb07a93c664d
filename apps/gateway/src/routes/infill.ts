import type { Dispatch } from "../dispatch/dispatch.js";
import { createProxyRoute } from "./internal/create-proxy-route.js";

/**
 * `POST /infill`: llama.cpp server's fill-in-the-middle route, which editor plugins call for code
 * completion; passed through to a neuron like the OpenAI routes (pre-validation, budget, dispatch).
 */
export function createInfillRoute(dispatch: Dispatch, maxBodyBytes: number) {
  return createProxyRoute("/infill", dispatch, maxBodyBytes);
}
