/**
 * The errors of the hunting library: a library file or family that does not hold
 * together ({@link HuntLibraryError}, naming the file, family, query and field of every
 * problem), and a query asked for by a name or with arguments it does not take
 * ({@link HuntError}).
 *
 * @module
 */
import { CasefileError, type CasefileErrorOptions } from "../errors.ts";

/** One problem found in a library file or family. */
export interface HuntProblem {
  /** Where the family came from: a file's path, or `built-in`. */
  readonly source: string;
  /** The family's name, when known. */
  readonly family?: string;
  /** The query's name (or its position, `#3`), when the problem is in a query. */
  readonly query?: string;
  /** The field at fault (`techniques`, `parameters.account.type`, `query`). */
  readonly field?: string;
  /** What is wrong. */
  readonly message: string;
  /** For a problem in the KQL text: the line (1-based) inside the query. */
  readonly line?: number;
  /** For a problem in the KQL text: the column (1-based) inside the query. */
  readonly column?: number;
}

/** The place of a problem, as text: `file: family identity, query spray, field tables`. */
export function problemPlace(problem: HuntProblem): string {
  const bits = [
    problem.family === undefined ? undefined : `family ${problem.family}`,
    problem.query === undefined ? undefined : `query ${problem.query}`,
    problem.field === undefined ? undefined : `field ${problem.field}`,
    problem.line === undefined ? undefined : `line ${problem.line}, column ${problem.column}`,
  ].filter((b) => b !== undefined);
  return bits.length ? `${problem.source}: ${bits.join(", ")}` : problem.source;
}

/**
 * A library file or family that does not validate: every problem found, each naming its
 * file, family, query and field (and the line and column inside a query's KQL).
 */
export class HuntLibraryError extends CasefileError {
  /** Every problem found. */
  readonly problems: readonly HuntProblem[];

  /** Makes the error from the problems found (at least one). */
  constructor(problems: readonly HuntProblem[], options: CasefileErrorOptions = {}) {
    const shown = problems.slice(0, 12).map((p) => `  ${problemPlace(p)}: ${p.message}`);
    if (problems.length > shown.length) {
      shown.push(`  ... and ${problems.length - shown.length} more`);
    }
    super(
      `The hunting library has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${
        shown.join("\n")
      }`,
      {
        hint: options.hint ??
          "Fix the fields named (the format is in src/hunt/types.ts and the README).",
        cause: options.cause,
      },
    );
    this.name = "HuntLibraryError";
    this.problems = problems;
  }
}

/**
 * A query asked for by a name the library does not have, or with arguments it does not
 * take (a missing required parameter, an unknown one, a value of the wrong type).
 */
export class HuntError extends CasefileError {
  /** Makes the error; `options.hint` says what to do next. */
  constructor(message: string, options: CasefileErrorOptions = {}) {
    super(message, options);
    this.name = "HuntError";
  }
}
