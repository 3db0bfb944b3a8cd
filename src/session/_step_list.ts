/**
 * A session's steps as it holds them: the latest record of each position, its mark, and
 * the values each step bound. Which steps are in reach of later ones (ran well, not dead
 * ends), the scope they make, and which earlier step each name a step read came from.
 *
 * @module
 */
import { didYouMean } from "../errors.ts";
import { formatDuration } from "../duration.ts";
import { StepError } from "./errors.ts";
import type { MarkRecord, ResultSummary, StepMark, StepRecord, Stored } from "./_journal.ts";
import { RESERVED_NAMES } from "./_environment.ts";

/** A step as the session holds it: its latest record, its mark, and its value. */
export interface Step {
  /** The step's latest record in the journal (a re-run writes a new revision). */
  readonly record: Stored<StepRecord>;
  /** Whether it is a dead end, a finding, or neither. */
  readonly mark: StepMark;
  /** The note given with its mark. */
  readonly note?: string;
  /** Whether the step's value is in memory (false when its result could not be restored). */
  readonly restored: boolean;
}

const NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A step as one line: position, name, kind, what it gave (rows, a value's type, or that it
 * failed), how long it took, and its mark (`step 3 spray (query): 3 rows, 12 ms`).
 */
export function stepLine(step: Step): string {
  const r = step.record;
  const gave = r.status !== "ok"
    ? `failed${r.error ? ` (${r.error.name})` : ""}`
    : r.result === undefined
    ? "no value"
    : resultWords(r.result);
  const took = typeof r.durationMs === "number" ? `, ${formatDuration(r.durationMs)}` : "";
  const mark = step.mark === "none"
    ? ""
    : ` · ${step.mark === "dead-end" ? "dead end" : "finding"}${step.note ? `: ${step.note}` : ""}`;
  const lost = step.restored || r.status !== "ok" ? "" : " (result not restored)";
  return `step ${r.position} ${r.name} (${r.kind}): ${gave}${took}${lost}${mark}`;
}

function resultWords(result: ResultSummary): string {
  switch (result.kind) {
    case "frame":
    case "series":
      return `${result.rows} ${result.rows === 1 ? "row" : "rows"}`;
    case "json":
      return "a value";
    case "other":
      return result.type;
  }
}

const INSPECT = Symbol.for("Deno.customInspect");

/** `step`, printed by the REPL and `console.log` as {@link stepLine} (not enumerable). */
function withLine(step: Step): Step {
  Object.defineProperty(step, INSPECT, {
    value: () => stepLine(step),
    enumerable: false,
  });
  return step;
}

/**
 * Checks that `name` can name a step (a variable name, not one the environment provides).
 *
 * @throws {StepError} when it cannot.
 */
export function checkStepName(name: string): void {
  if (!NAME.test(name) || RESERVED_NAMES.has(name)) {
    throw new StepError(`"${name}" cannot name a step.`, {
      hint: "Use a variable name (letters, digits, _), other than params and pl.",
    });
  }
}

/** Whether a step is part of the chain (ran well, not a dead end). */
export function isKept(step: Step): boolean {
  return step.record.status === "ok" && step.mark !== "dead-end";
}

/** The steps of a session, in order, and the values each bound. */
export class StepList {
  #steps: Step[] = [];
  /** The values each step bound, by position (its own name's, and others its code bound). */
  readonly #bindings = new Map<number, Record<string, unknown>>();

  /** How many positions there are. */
  get length(): number {
    return this.#steps.length;
  }

  /** The steps, in order (latest revision of each position). */
  all(): readonly Step[] {
    return this.#steps;
  }

  /** The step at `position` (1-based), if any. */
  at(position: number): Step | undefined {
    return this.#steps[position - 1];
  }

  /**
   * A step by position (1-based) or by name (the latest step of that name).
   *
   * @throws {StepError} when there is none.
   */
  find(ref: number | string): Step {
    const found = typeof ref === "number"
      ? this.#steps[ref - 1]
      : this.#steps.findLast((s) => s.record.name === ref);
    if (!found) {
      const names = [...new Set(this.#steps.map((s) => s.record.name))];
      throw new StepError(
        typeof ref === "number"
          ? `There is no step ${ref} (the session has ${this.#steps.length}).`
          : `There is no step named ${ref}.`,
        { hint: typeof ref === "string" ? didYouMean(ref, names) : undefined },
      );
    }
    return found;
  }

  /**
   * The value of a step, by position or name.
   *
   * @throws {StepError} when there is no such step, or its result is not restored.
   */
  value(ref: number | string): unknown {
    const step = this.find(ref);
    if (!step.restored) {
      throw new StepError(`The result of step ${step.record.position} is not available.`, {
        hint: `Run it again: rerun(${step.record.position}).`,
      });
    }
    return this.#bindings.get(step.record.position)?.[step.record.name];
  }

  /** The values the step at `position` bound (none when it bound nothing yet). */
  bindingsOf(position: number): Record<string, unknown> | undefined {
    return this.#bindings.get(position);
  }

  /** Records the values the step at `position` bound. */
  bind(position: number, bindings: Record<string, unknown>): void {
    this.#bindings.set(position, bindings);
  }

  /** Records the values the step at `position` bound, restored (from the cache, or re-run). */
  markRestored(position: number, bindings: Record<string, unknown>): void {
    this.#bindings.set(position, bindings);
    const step = this.#steps[position - 1];
    this.#steps[position - 1] = withLine({ ...step, restored: true });
  }

  /** Puts a record at its position, keeping the position's mark and note. */
  place(record: Stored<StepRecord>, restored: boolean): void {
    const index = record.position - 1;
    const previous = this.#steps[index];
    this.#steps[index] = withLine({
      record,
      mark: previous?.mark ?? "none",
      note: previous?.note,
      restored,
    });
  }

  /** Marks the step a mark record names. */
  applyMark(record: MarkRecord): void {
    const step = this.#steps[record.position - 1];
    if (step) {
      this.#steps[record.position - 1] = withLine({
        ...step,
        mark: record.mark,
        note: record.note,
      });
    }
  }

  /**
   * The variables the steps before `upTo` made, by name (a later step of the same name
   * wins; failed steps and dead ends are left out).
   */
  scope(upTo: number = this.#steps.length + 1): Record<string, unknown> {
    const scope: Record<string, unknown> = {};
    for (const step of this.#steps) {
      if (step.record.position >= upTo) break;
      if (step.record.status !== "ok" || !step.restored || step.mark === "dead-end") continue;
      Object.assign(scope, this.#bindings.get(step.record.position));
    }
    return scope;
  }

  /** The last step before `upTo` in the chain whose value is in memory (the value of `_`). */
  lastKept(upTo: number = this.#steps.length + 1): Step | undefined {
    return this.#steps.slice(0, upTo - 1).findLast((s) => isKept(s) && s.restored);
  }

  /**
   * For each name a step read, the position of the step whose value it was (`_`: the step
   * before). Names no earlier step bound (the API, globals) are left out.
   */
  usesOf(names: readonly string[], position: number): Record<string, number> | undefined {
    const out: Record<string, number> = {};
    // The step whose value the code saw: the latest that ran well, dead end or not (its
    // variable was still in reach; an export keeps a dead end a kept step reads).
    const ran = (s: Step) => s.record.status === "ok" && s.restored;
    for (const n of names) {
      const step = n === "_"
        ? this.#steps.slice(0, position - 1).findLast(ran)
        : this.#steps.slice(0, position - 1).findLast((s) =>
          ran(s) && Object.hasOwn(this.#bindings.get(s.record.position) ?? {}, n)
        );
      if (step) out[n] = step.record.position;
    }
    return Object.keys(out).length ? out : undefined;
  }

  /** Sets `vars` back to what the steps before `position` bound (for a re-run). */
  resetVariables(vars: Record<string, unknown>, position: number): void {
    const keep = this.scope(position);
    for (const step of this.#steps.slice(position - 1)) {
      for (const n of Object.keys(this.#bindings.get(step.record.position) ?? {})) {
        if (!Object.hasOwn(keep, n)) delete vars[n];
      }
    }
    Object.assign(vars, keep);
    const last = this.lastKept(position);
    if (last) vars._ = this.value(last.record.position);
  }
}
