import { hasUrlCredentials, type NeuronJoinConfig } from "@helexa/core";
import { isLoopbackHost } from "../config/is-loopback-host.js";

/** What the heartbeat needs, checked. */
export interface JoinSettings {
  /** cortex's base URL, without a trailing slash. */
  cortexUrl: string;
  token: string;
  name: string;
  /** The URL this neuron registers; null = its listen URL, known once it listens. */
  advertiseUrl: string | null;
  heartbeatIntervalMs: number;
}

/**
 * Checks `[join]` against where the neuron listens, before it starts:
 * - neither URL may carry `user:password@` (fetch refuses such a URL, quoting it whole into logs): cortex
 *   takes the `[join] token`, and this neuron's token goes in `auth_token`;
 * - a wildcard `host` (`0.0.0.0`, `::`) says nothing about which address cortex should use: it needs
 *   `advertise_url`;
 * - a neuron without `auth_token` may join only a cortex on this machine and advertise only a loopback
 *   URL: anywhere else, whoever reaches its advertised address could load models and run inference on it,
 *   and the registration would hand cortex no token to tell it from anyone else.
 */
export function resolveJoinSettings(
  join: NeuronJoinConfig & { url: string; token: string },
  listen: { host: string; authToken: string | undefined },
  defaultName: string,
): { ok: true; settings: JoinSettings } | { ok: false; error: string } {
  if (hasUrlCredentials(join.url))
    return {
      ok: false,
      error:
        "[join] url must not carry credentials (user:password@); cortex takes its [join] token (--join-token)",
    };
  if (join.advertise_url !== undefined && hasUrlCredentials(join.advertise_url))
    return {
      ok: false,
      error:
        "[join] advertise_url must not carry credentials (user:password@); cortex is given this neuron's auth_token",
    };
  const wildcard = listen.host === "0.0.0.0" || listen.host === "::" || listen.host === "";
  if (wildcard && join.advertise_url === undefined) {
    return {
      ok: false,
      error: `[join]: host = "${listen.host}" listens on every address, so cortex cannot be told which one to use; set [join] advertise_url (e.g. "http://10.0.0.7:13131")`,
    };
  }
  if (listen.authToken === undefined) {
    const remote = [join.url, join.advertise_url].find(
      (url) => url !== undefined && !isLoopbackHost(new URL(url).hostname),
    );
    if (remote !== undefined) {
      return {
        ok: false,
        error: `[join]: ${remote === join.url ? "the cortex" : "advertise_url"} is not on this machine but no auth_token is set; set auth_token (or NEURON_AUTH_TOKEN) so only cortex can use this neuron`,
      };
    }
  }
  return {
    ok: true,
    settings: {
      cortexUrl: join.url.replace(/\/+$/, ""),
      token: join.token,
      name: join.name ?? defaultName,
      advertiseUrl: join.advertise_url?.replace(/\/+$/, "") ?? null,
      heartbeatIntervalMs: join.heartbeat_interval_ms,
    },
  };
}
