/**
 * The queue of injected faults: each fires for the next `times` queries it matches, in the
 * order the faults were injected.
 *
 * @module
 */
import type { Fault } from "./_types.ts";

interface Queued {
  readonly fault: Fault;
  readonly queryIncludes?: string;
  /** Whether it fires on a `$batch` request as a whole (else on single queries). */
  readonly batch: boolean;
  remaining: number;
}

/** Faults waiting for matching queries. */
export class FaultQueue {
  #queued: Queued[] = [];

  /** Queues `fault` for the next `fault.times` (default 1) matching queries. */
  add(fault: Fault, match: { queryIncludes?: string; batch?: boolean } = {}): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(`Fault 'times' must be a positive integer, got ${times}`);
    }
    this.#queued.push({
      fault,
      queryIncludes: match.queryIncludes,
      batch: match.batch === true,
      remaining: times,
    });
  }

  /** Drops every queued fault. */
  clear(): void {
    this.#queued = [];
  }

  /**
   * The fault for a query with text `query`, if any, counted as used; with `batch`, the fault
   * for a `$batch` request as a whole (`query` is then ignored).
   */
  take(query: string, batch = false): Fault | undefined {
    const at = this.#queued.findIndex((q) =>
      q.batch === batch &&
      (batch || q.queryIncludes === undefined || query.includes(q.queryIncludes))
    );
    if (at < 0) return undefined;
    const queued = this.#queued[at];
    queued.remaining--;
    if (queued.remaining === 0) this.#queued.splice(at, 1);
    return queued.fault;
  }
}
