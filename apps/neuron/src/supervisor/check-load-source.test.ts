import { describe, expect, it } from "vitest";
import { testConfig } from "../test-support/test-config.js";
import { checkDownloadUri, checkLoadPath } from "./check-load-source.js";

const config = testConfig([{ id: "tiny", path: "/srv/weights/tiny.gguf" }], { models_dir: "/srv/models" });

function refusal(check: () => void): unknown {
  try {
    check();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("checkLoadPath", () => {
  it("allows files under models_dir and the [[models]] paths", () => {
    expect(refusal(() => checkLoadPath("/srv/models/a.gguf", config))).toBeUndefined();
    expect(refusal(() => checkLoadPath("/srv/models/org/b.gguf", config))).toBeUndefined();
    expect(refusal(() => checkLoadPath("/srv/weights/tiny.gguf", config))).toBeUndefined();
  });

  it.each([
    "/etc/passwd",
    "/srv/models/../secrets.gguf",
    "/srv/models-other/a.gguf",
    "/srv/models",
    "/srv/weights/other.gguf",
  ])("refuses %s with 400 path_not_allowed, param path", (path) => {
    expect(refusal(() => checkLoadPath(path, config))).toMatchObject({
      statusCode: 400,
      code: "path_not_allowed",
      param: "path",
    });
  });
});

describe("checkDownloadUri", () => {
  const defaults = testConfig([]).allowed_download_hosts;

  it.each([
    "hf:org/repo:Q4_K_M",
    "huggingface:org/repo/file.gguf",
    "https://huggingface.co/org/repo/resolve/main/m.gguf",
    "https://cdn-lfs.hf.co/x",
    "https://HuggingFace.co/x",
  ])("allows %s by default", (uri) => {
    expect(refusal(() => checkDownloadUri(uri, defaults))).toBeUndefined();
  });

  it.each([
    "https://evil.example/m.gguf",
    "https://huggingface.co.evil.example/m.gguf",
    "http://127.0.0.1:8080/m.gguf",
    "file:///etc/passwd",
    "not a uri",
  ])("refuses %s with 400 download_not_allowed, param uri", (uri) => {
    expect(refusal(() => checkDownloadUri(uri, defaults))).toMatchObject({
      statusCode: 400,
      code: "download_not_allowed",
      param: "uri",
    });
  });

  it("allows the hosts the config lists instead", () => {
    expect(refusal(() => checkDownloadUri("http://127.0.0.1:8080/m.gguf", ["127.0.0.1"]))).toBeUndefined();
    expect(refusal(() => checkDownloadUri("hf:org/repo", ["127.0.0.1"]))).toMatchObject({
      code: "download_not_allowed",
    });
  });
});
