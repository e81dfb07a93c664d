export interface ProgressReporterOptions {
  write(text: string): void;
  /** A terminal gets one line redrawn in place; anything else gets a plain line every `intervalMs`. */
  isTTY: boolean;
  now?(): number;
  /** Plain-line period when not on a terminal. Default 5000 ms. */
  intervalMs?: number;
}

export interface ProgressReporter {
  update(downloadedBytes: number, totalBytes: number | undefined): void;
  /** Ends the bar (a newline on a terminal) after a last update. */
  finish(): void;
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

/** `1.5 GiB`-style sizes. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = String(whole % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

/**
 * Download progress as `  42% 512.0 MiB / 1.2 GiB  23.4 MiB/s  ETA 0:25`. The rate counts only bytes
 * fetched by this run (a resumed part does not inflate it); ETA appears once a rate and a total are known.
 */
export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 5000;
  const redrawMs = 100;
  let started: { at: number; bytes: number } | undefined;
  let lastShown = Number.NEGATIVE_INFINITY;
  let last: { downloaded: number; total: number | undefined } | undefined;
  let drawn = false;

  const line = (downloaded: number, total: number | undefined) => {
    const at = now();
    started ??= { at, bytes: downloaded };
    const seconds = (at - started.at) / 1000;
    const rate = seconds > 0 ? (downloaded - started.bytes) / seconds : 0;
    const parts = [
      total !== undefined && total > 0
        ? `${String(Math.floor((downloaded / total) * 100)).padStart(3)}%`
        : "",
      total !== undefined ? `${formatBytes(downloaded)} / ${formatBytes(total)}` : formatBytes(downloaded),
      rate > 0 ? `${formatBytes(rate)}/s` : "",
      rate > 0 && total !== undefined && downloaded < total
        ? `ETA ${formatDuration((total - downloaded) / rate)}`
        : "",
    ];
    return parts.filter((part) => part !== "").join("  ");
  };

  const show = (text: string) => {
    if (options.isTTY) {
      options.write(`\r\x1b[2K${text}`);
      drawn = true;
    } else options.write(`${text}\n`);
  };

  return {
    update(downloaded, total) {
      last = { downloaded, total };
      const text = line(downloaded, total);
      const at = now();
      if (at - lastShown < (options.isTTY ? redrawMs : intervalMs)) return;
      lastShown = at;
      show(text);
    },
    finish() {
      if (last !== undefined) show(line(last.downloaded, last.total));
      if (options.isTTY && drawn) options.write("\n");
    },
  };
}
