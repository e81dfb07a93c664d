import { describe, expect, it } from "vitest";
import { servedOverHttps } from "./served-over-https.js";

const plain = { url: "http://127.0.0.1:31313/ui/login", forwardedProto: undefined, origin: undefined };

describe("servedOverHttps", () => {
  it("is false for a plain-HTTP request with no hint, or hints that say http or cannot be read", () => {
    expect(servedOverHttps(plain)).toBe(false);
    expect(servedOverHttps({ ...plain, forwardedProto: "http", origin: "http://127.0.0.1:31313" })).toBe(
      false,
    );
    expect(servedOverHttps({ ...plain, forwardedProto: "", origin: "null" })).toBe(false);
    expect(servedOverHttps({ ...plain, forwardedProto: "http, https" })).toBe(false);
  });

  it("is true for an https URL, a proxy's X-Forwarded-Proto https (first of a list), or an https Origin", () => {
    expect(servedOverHttps({ ...plain, url: "https://cortex.example/ui/login" })).toBe(true);
    expect(servedOverHttps({ ...plain, forwardedProto: "HTTPS" })).toBe(true);
    expect(servedOverHttps({ ...plain, forwardedProto: " https , http" })).toBe(true);
    expect(servedOverHttps({ ...plain, origin: "https://cortex.example" })).toBe(true);
  });
});
