/**
 * What a running query is doing, for the REPL: the provider's progress reports
 * (`QueryProgress`) kept as a status beside the spinner ("throttled (429), retrying in
 * 42 s", "3 of 8 windows · 12,345 rows so far"), a retry's wait counted down; without a
 * terminal, its events as lines.
 *
 * @module
 */
import type { QueryProgress } from "../src/providers/mod.ts";
import { formatDuration } from "../src/duration.ts";
import { count } from "./_format.ts";

/** The progress of the input running, as a status line. */
export class ProgressStatus {
  #retry?: { reason: string; until: number; attempt: number };
  #note?: string;
  #window?: { index: number; count: number };
  #rows?: number;

  /** Forgets the previous input's progress. */
  reset(): void {
    this.#retry = undefined;
    this.#note = undefined;
    this.#window = undefined;
    this.#rows = undefined;
  }

  /**
   * Takes a report in.
   *
   * @returns The event it tells of, as a line ("throttled (429), retrying in 8 s"), or
   *   undefined for a mere tick.
   */
  update(progress: QueryProgress, now = performance.now()): string | undefined {
    if (progress.window && progress.window.index !== this.#window?.index) {
      // A window done after a retry's wait: that retry is behind us.
      if (this.#retry && this.#retry.until <= now) this.#retry = undefined;
      this.#window = progress.window;
    }
    if (progress.rows !== undefined) this.#rows = progress.rows;
    if (progress.retry) {
      this.#retry = {
        reason: progress.retry.reason,
        until: now + progress.retry.waitMs,
        attempt: progress.retry.attempt,
      };
    } else if (progress.message) this.#note = progress.message;
    return progress.message;
  }

  /** The status now: a retry's countdown, windows done, rows so far, the last note. */
  text(now = performance.now()): string {
    const parts: string[] = [];
    if (this.#retry) {
      const left = this.#retry.until - now;
      parts.push(
        left > 0
          ? `${this.#retry.reason}, retrying in ${formatDuration(Math.ceil(left / 1000) * 1000)}`
          : `${this.#retry.reason}, retry ${this.#retry.attempt} sent`,
      );
    }
    if (this.#window) parts.push(`${this.#window.index} of ${this.#window.count} windows done`);
    if (this.#rows !== undefined) parts.push(`${count(this.#rows)} rows so far`);
    if (parts.length === 0 && this.#note) parts.push(this.#note);
    return parts.join(" · ");
  }
}
