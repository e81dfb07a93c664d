/** Something the benchmark sends chat completions to: the stub itself, or a gateway in front of it. */
export interface ProxyTarget {
  /** Column name: "direct", "cortex", "nginx", "portkey". */
  name: string;
  /** Base URL; requests go to `${baseUrl}/v1/chat/completions`. */
  baseUrl: string;
  /** Extra request headers the target needs (Portkey's routing headers). */
  headers: Record<string, string>;
  /** The process that serves it, for RSS readings. */
  pid: number;
  stop(): Promise<void>;
}
