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
  remaining: number;
}

/** Faults waiting for matching queries. */
export class FaultQueue {
  #queued: Queued[] = [];

  /** Queues `fault` for the next `fault.times` (default 1) matching queries. */
  add(fault: Fault, match: { queryIncludes?: string } = {}): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(`Fault 'times' must be a positive integer, got ${times}`);
    }
    this.#queued.push({ fault, queryIncludes: match.queryIncludes, remaining: times });
  }

  /** Drops every queued fault. */
  clear(): void {
    this.#queued = [];
  }

  /** The fault for a query with text `query`, if any, counted as used. */
  take(query: string): Fault | undefined {
    const at = this.#queued.findIndex((q) =>
      q.queryIncludes === undefined || query.includes(q.queryIncludes)
    );
    if (at < 0) return undefined;
    const queued = this.#queued[at];
    queued.remaining--;
    if (queued.remaining === 0) this.#queued.splice(at, 1);
    return queued.fault;
  }
}
