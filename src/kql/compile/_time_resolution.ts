/**
 * The engine keeps datetimes and timespans in microseconds, where Kusto counts 100 ns
 * ticks. A timespan literal finer than a microsecond (`1tick`, `15ticks`,
 * `1.5microseconds`) is read as the nearest whole microsecond (a nonzero one at least), which
 * is harmless in `End - 1tick` but silently changes a range stepped by it: `step 1tick`
 * would give a tenth of Kusto's rows. Such a step is refused instead.
 *
 * @module
 */
import type * as A from "../syntax/ast.ts";
import { timespanMicros } from "../syntax/_lexer.ts";
import type { Context } from "./_context.ts";

/** A timespan literal as written: an amount and a unit (`1tick`, `1.5 microseconds`). */
const TIMESPAN_TEXT = /^([+-]?(?:\d+\.?\d*|\.\d+))\s*([A-Za-z]+)$/;

/**
 * The 100 ns ticks of a timespan literal's text, when its unit is known; undefined for any
 * other form (`time(...)`, `timespan(...)`).
 */
export function literalTicks(text: string): number | undefined {
  const m = TIMESPAN_TEXT.exec(text.trim());
  if (!m) return undefined;
  // timespanMicros scales exactly at a million units (0.1 µs a tick gives 100000).
  const perMillion = timespanMicros(1_000_000, m[2]);
  if (perMillion === undefined) return undefined;
  return Math.round(Number(m[1]) * Number(perMillion) / 100_000);
}

/** The timespan literals in `node` and below. */
function timespanLiterals(node: unknown, out: A.Literal[] = []): A.Literal[] {
  if (Array.isArray(node)) {
    for (const item of node) timespanLiterals(item, out);
  } else if (node !== null && typeof node === "object") {
    const n = node as { kind?: unknown; type?: unknown; span?: unknown };
    if (n.kind === "literal" && n.type === "timespan" && n.span) out.push(node as A.Literal);
    else for (const value of Object.values(node)) timespanLiterals(value, out);
  }
  return out;
}

/**
 * Throws when the `what` (a range's step) holds a timespan literal finer than the engine's
 * 1 µs resolution, which it would round silently.
 */
export function checkMicrosecondStep(step: A.Expression, what: string, ctx: Context): void {
  for (const literal of timespanLiterals(step)) {
    const text = ctx.query.slice(literal.span.start, literal.span.end);
    const ticks = literalTicks(text);
    if (ticks === undefined || ticks % 10 === 0) continue;
    throw ctx.error(
      `${what} uses ${text.trim()} (${ticks * 100} ns), not a whole number of microseconds: ` +
        "this engine's resolution is 1 microsecond, so the step would be rounded and the " +
        "values would not be Kusto's",
      literal.span,
      "casefile keeps times in whole microseconds (Kusto in 100 ns ticks): step by a whole " +
        "number of microseconds, e.g. 1microsecond or 10ticks.",
    );
  }
}
