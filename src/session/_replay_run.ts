/**
 * A session opened for a replay (see `replaySession`): each step run takes the result the
 * replayed session recorded for it as its expectation, runs with the parameter values it
 * ran with then, and is checked against it; failed steps are collected.
 *
 * @module
 */
import { ReplayError } from "./errors.ts";
import type { ResultSummary, StepCheck, StepRecord } from "./_journal.ts";

/**
 * A step's result as recorded, for a replay: `[position, name, kind, rows, sha256]` (rows
 * and sha256 `null` where the kind has none), and the parameter values it ran with where
 * they are not the replay's defaults (a step run before `rerun` changed a parameter).
 */
export type RecordedStep = readonly [
  position: number,
  name: string,
  kind: ResultSummary["kind"],
  rows: number | null,
  sha256: string | null,
  params?: Readonly<Record<string, unknown>>,
];

/** A step that failed in a replay: its name, its position in the replayed session, the error. */
export interface ReplayFailure {
  /** The step's name. */
  readonly name: string;
  /** The position it had in the session replayed (from its expectation), if known. */
  readonly position?: number;
  /** What the step threw (a {@link ReplayError} when its result differs). */
  readonly error: unknown;
}

/**
 * What a replayed step is expected to give: the result recorded by the session it
 * replays. A result of another kind, or another SHA-256, makes the step fail with a
 * {@link ReplayError} (after it is journaled), unless the step is volatile (its result
 * cannot be reproduced: `rand()`, a live service), which is recorded as such.
 */
export interface StepExpectation {
  /** The step's position in the replayed session. */
  readonly position: number;
  /** `frame`, `series`, `json` or `other`. */
  readonly kind: ResultSummary["kind"];
  /** The SHA-256 of the recorded result. */
  readonly sha256?: string;
  /** For frames and series: the rows. */
  readonly rows?: number;
  /**
   * Parameter values the step ran with, where they differ from the session's (set for the
   * step, and after it back to the session's).
   */
  readonly params?: Readonly<Record<string, unknown>>;
}

/**
 * How a session replays another (the `replay` option of `openSession`): failed steps are
 * collected in `Session.replayFailures`; with `keepGoing`, `query` and `run` then return
 * `undefined` instead of throwing, so the replay goes on to the next step.
 */
export interface SessionReplayOptions {
  /** Go on after a step fails (its failure is collected). */
  readonly keepGoing?: boolean;
  /** Every query bypasses the cache (a replay's `--refresh`). */
  readonly refresh?: boolean;
  /** False: expectations are not checked (the replay runs with other parameter values). */
  readonly compare?: boolean;
  /**
   * What the replayed session's steps gave, in order: each step run takes the next one of
   * its name as its expectation (a step given `expect` itself keeps it).
   */
  readonly recorded?: readonly RecordedStep[];
}

/** The state of a replay: the recorded results not yet taken, the failures so far. */
export class ReplayRun {
  /** Whether a failed step lets the replay go on. */
  readonly keepGoing: boolean;
  /** Every query bypasses the cache (a replay's `--refresh`). */
  readonly refresh: boolean;
  /** Whether expectations are checked. */
  readonly compare: boolean;
  /** The steps that failed, in order. */
  readonly failures: ReplayFailure[] = [];
  /** The recorded results not yet taken by a step. */
  readonly #recorded: RecordedStep[];
  /** The parameter values the replay was opened with (set again after a step's own). */
  #base?: Record<string, unknown>;

  constructor(options: SessionReplayOptions) {
    this.keepGoing = options.keepGoing ?? false;
    this.refresh = options.refresh ?? false;
    this.compare = options.compare ?? true;
    this.#recorded = [...(options.recorded ?? [])];
  }

  /** What the step `name` is expected to give: `given`, else the next recorded of its name. */
  expectation(name: string, given?: StepExpectation): StepExpectation | undefined {
    if (!this.compare) return given;
    const at = this.#recorded.findIndex((r) => r[1] === name);
    if (at < 0) return given;
    const [position, , kind, rows, sha256, params] = this.#recorded.splice(at, 1)[0];
    return given ?? {
      position,
      kind,
      rows: rows ?? undefined,
      sha256: sha256 ?? undefined,
      params,
    };
  }

  /**
   * The parameter values a step expecting `expect` runs with (its recorded ones over the
   * replay's own), or undefined when they are the `current` ones.
   */
  paramsFor(
    expect: StepExpectation | undefined,
    current: Record<string, unknown>,
  ): Record<string, unknown> | undefined {
    this.#base ??= current;
    const wanted = { ...this.#base, ...(expect?.params ?? {}) };
    return JSON.stringify(wanted) === JSON.stringify(current) ? undefined : wanted;
  }

  /**
   * Collects a step's failure.
   *
   * @returns Whether the replay goes on (`keepGoing`).
   */
  failed(name: string, expect: StepExpectation | undefined, error: unknown): boolean {
    this.failures.push({ name, position: expect?.position, error });
    return this.keepGoing;
  }
}

/** Whether a step's result is the one expected of it (see {@link StepExpectation}). */
export function compareResult(
  expect: StepExpectation,
  result: ResultSummary,
  volatile: string | undefined,
): StepCheck {
  const sha = "sha256" in result ? result.sha256 : undefined;
  const equal = expect.kind === result.kind &&
    (expect.sha256 === undefined || expect.sha256 === sha);
  return checkOf(expect, equal ? "equal" : volatile ? "volatile" : "differs");
}

/** The check of a replayed step that threw. */
export function failedCheck(expect: StepExpectation | undefined): StepCheck | undefined {
  return expect ? checkOf(expect, "failed") : undefined;
}

function checkOf(expect: StepExpectation, outcome: StepCheck["outcome"]): StepCheck {
  const { position, kind, sha256, rows } = expect;
  return { position, expected: { kind, sha256, rows }, outcome };
}

/** The error of a replayed step whose result differs: what was expected, what came. */
export function replayDifference(record: StepRecord, check: StepCheck): ReplayError {
  const r = record.result!;
  const e = check.expected;
  let got: string;
  switch (r.kind) {
    case "frame":
    case "series":
      got = `${r.kind} of ${r.rows} rows, sha256 ${r.sha256}`;
      break;
    case "other":
      got = `${r.type}${r.sha256 ? `, sha256 ${r.sha256}` : ""}`;
      break;
    case "json":
      got = `json ${JSON.stringify(r.value).slice(0, 80)}, sha256 ${r.sha256 ?? "-"}`;
      break;
  }
  const wanted = `${e.kind}${e.rows !== undefined ? ` of ${e.rows} rows` : ""}${
    e.sha256 ? `, sha256 ${e.sha256}` : ""
  }`;
  return new ReplayError(
    check.position,
    record.name,
    `Step ${check.position} (${record.name}) gave another result than when it was recorded: ` +
      `expected ${wanted}; got ${got}.`,
    {
      hint: e.kind !== r.kind
        ? "The step now returns another kind of value: check its code and the data it reads."
        : "The data or the code changed since the session was recorded (or the step is not " +
          "deterministic); compare the two results.",
    },
  );
}
