import type { Dispatch } from "../dispatch/dispatch.js";
import { createProxyRoute } from "./internal/create-proxy-route.js";

/** `POST /v1/chat/completions`: OpenAI chat completions. */
export function createChatCompletionsRoute(dispatch: Dispatch, maxBodyBytes: number) {
  return createProxyRoute("/v1/chat/completions", dispatch, maxBodyBytes);
}
