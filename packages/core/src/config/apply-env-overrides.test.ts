import { describe, expect, it } from "vitest";
import { applyEnvOverrides } from "./apply-env-overrides.js";
import { cortexConfigSchema } from "./cortex-config.js";

describe("applyEnvOverrides", () => {
  it("nests on __, lower-cases keys and parses JSON values", () => {
    const env = {
      CORTEX_GATEWAY__LISTEN: "0.0.0.0:31313",
      CORTEX_GATEWAY__POLL_INTERVAL_MS: "500",
      CORTEX_ENTITLEMENTS__REQUIRE_AUTH: "true",
      CORTEX_MODELS_CONFIG: "/etc/cortex/models.toml",
      CORTEX_NEURONS: '[{"name":"a","endpoint":"http://127.0.0.1:1"}]',
    };
    const data = applyEnvOverrides(
      { gateway: { listen: "127.0.0.1:1", metrics_listen: "127.0.0.1:2" } },
      env,
      "CORTEX",
    );
    expect(data).toEqual({
      gateway: { listen: "0.0.0.0:31313", metrics_listen: "127.0.0.1:2", poll_interval_ms: 500 },
      entitlements: { require_auth: true },
      models_config: "/etc/cortex/models.toml",
      neurons: [{ name: "a", endpoint: "http://127.0.0.1:1" }],
    });
    expect(cortexConfigSchema.safeParse(data).success).toBe(true);
  });

  it("ignores other prefixes and unset values, and leaves the input untouched", () => {
    const input = { gateway: { listen: "x" } };
    const data = applyEnvOverrides(
      input,
      { NEURON_PORT: "1", CORTEXX_A: "1", CORTEX_: "1", CORTEX_B: undefined },
      "CORTEX",
    );
    expect(data).toEqual(input);
    const changed = applyEnvOverrides(input, { CORTEX_GATEWAY__LISTEN: "y" }, "CORTEX");
    expect(changed).toEqual({ gateway: { listen: "y" } });
    expect(input).toEqual({ gateway: { listen: "x" } });
  });

  it("keeps text that is not JSON as a string, and replaces a scalar on the way with a table", () => {
    const data = applyEnvOverrides(
      { admission: 3 },
      { NEURON_ADMISSION__MAX_WAIT_SECS: "2.5", NEURON_HOST: "::" },
      "NEURON",
    );
    expect(data).toEqual({ admission: { max_wait_secs: 2.5 }, host: "::" });
  });
});
