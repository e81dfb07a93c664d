import { describe, expect, it } from "vitest";
import { credentialFreeUrlSchema, hasUrlCredentials } from "./credential-free-url-schema.js";
import { redactUrlCredentials } from "./redact-url-credentials.js";

describe("credentialFreeUrlSchema", () => {
  it("takes a plain URL and refuses one with a user or a password, without echoing it", () => {
    expect(credentialFreeUrlSchema.safeParse("http://10.0.0.7:13131").success).toBe(true);
    for (const url of ["http://user:s3cret@10.0.0.7:13131", "https://s3cret@host", "http://:s3cret@host/"]) {
      const result = credentialFreeUrlSchema.safeParse(url);
      expect(result.success).toBe(false);
      const message = result.error?.issues[0]?.message ?? "";
      expect(message).toContain("auth_token");
      expect(message).not.toContain("s3cret");
    }
  });

  it("hasUrlCredentials is false for what is no URL", () => {
    expect(hasUrlCredentials("not a url")).toBe(false);
    expect(hasUrlCredentials("http://a@b")).toBe(true);
  });
});

describe("redactUrlCredentials", () => {
  it("drops the userinfo of every URL in the text and keeps the rest", () => {
    expect(
      redactUrlCredentials(
        "Request cannot be constructed from a URL that includes credentials: http://user:s3cret@10.0.0.7:13131/models",
      ),
    ).toBe(
      "Request cannot be constructed from a URL that includes credentials: http://10.0.0.7:13131/models",
    );
    expect(redactUrlCredentials("a https://x:p@ss@h/p and HTTP://u@h2?q=a@b")).toBe(
      "a https://h/p and HTTP://h2?q=a@b",
    );
    expect(redactUrlCredentials("no url, an@email.example")).toBe("no url, an@email.example");
  });
});
