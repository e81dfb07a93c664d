import type { EntitlementsLogger } from "../create-entitlements.js";

const ignore = () => {};

/** The logger used when none is injected. */
export const noopLogger: EntitlementsLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
