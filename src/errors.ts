/**
 * The base of every error casefile shows to a user: a message that says what could not be
 * done and why, and a `hint` that says what to do next.
 *
 * @module
 */

/** Options shared by casefile errors. */
export interface CasefileErrorOptions {
  /** What the user can do about it, in one sentence. */
  hint?: string;
  /** The underlying error, kept for detail. */
  cause?: unknown;
}

/** An error meant for an investigator's eyes: a clear message plus a hint. */
export class CasefileError extends Error {
  /** What the user can do about it. */
  readonly hint?: string;

  /** Makes the error; `options.hint` says what to do, `options.cause` is the underlying error. */
  constructor(message: string, options: CasefileErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "CasefileError";
    this.hint = options.hint;
  }
}

/**
 * A column option as a list of names: one name or a non-empty list of names. Undefined for
 * anything else, which untyped code (the REPL, a notebook) can pass: the caller says what is
 * missing in its own terms.
 */
export function columnNames(value: unknown): string[] | undefined {
  if (typeof value === "string") return value === "" ? undefined : [value];
  if (Array.isArray(value) && value.length > 0 && value.every((c) => typeof c === "string")) {
    return [...value];
  }
  return undefined;
}

/** The closest candidates to `name` (case-insensitive edit distance), best first. */
export function closestNames(name: string, candidates: Iterable<string>, max = 3): string[] {
  // Names may come from untyped code (the REPL, a notebook): nothing is close to a non-name.
  if (typeof name !== "string") return [];
  const lower = name.toLowerCase();
  const scored: Array<[string, number]> = [];
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    const limit = Math.max(2, Math.floor(candidate.length / 3));
    if (distance <= limit || candidate.toLowerCase().includes(lower)) {
      scored.push([candidate, distance]);
    }
  }
  scored.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  return scored.slice(0, max).map(([candidate]) => candidate);
}

/** "Did you mean `A` or `B`?", or undefined when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const close = closestNames(name, candidates);
  if (close.length === 0) return undefined;
  return `Did you mean ${close.map((c) => `\`${c}\``).join(" or ")}?`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
