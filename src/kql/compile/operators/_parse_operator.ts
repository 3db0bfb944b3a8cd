/**
 * `parse` and `parse-where`: a pattern of text, columns and `*` wildcards becomes one
 * regular expression with a capture group per column, run natively by Polars.
 *
 * - `simple` (the default): the text is literal, the pattern spans the whole value, and
 *   every typed column must convert, or the whole match fails.
 * - `regex`: the text pieces are regular expressions; columns are greedy unless the `U`
 *   flag is given (as Kusto's documented results show; RE2's U swaps greediness).
 * - `relaxed`: like `simple`, but a typed column that does not convert is null on its own.
 *
 * @module
 */
import { type Expr, pl } from "../../../polars.ts";
import { type ColumnSchema, type KustoType, polarsTypeOf } from "../../../schema/types.ts";
import type * as A from "../../syntax/ast.ts";
import {
  columnMap,
  type Context,
  ExprEnv,
  type Relation,
  rowEnv,
  type Scope,
  type Typed,
} from "../_context.ts";
import { compileExpr } from "../_expression.ts";
import { toStringTyped } from "../_conversion.ts";
import { regexEscape } from "../../runtime/_text.ts";
import { SCALAR_FUNCTIONS } from "../../functions/_registry.ts";

/** Applies `parse` / `parse-where`. */
export function parseOperator(
  input: Relation,
  op: A.ParseOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const env = rowEnv(input, scope, ctx);
  const source = toStringTyped(compileExpr(op.source, env), env);
  const { pattern, captures } = compilePattern(op, ctx);

  // Each capture is extracted once into a column; conversions and checks read those.
  const strict = op.parseKind !== "relaxed";
  const texts = captures.map(() => ctx.temp("__parsed"));
  let frame = env.materialise(input.frame).withColumns(
    ...captures.map((c, i) => source.expr.str.extract(pattern, c.group).alias(texts[i])),
  );
  const textEnv = new ExprEnv(
    ctx,
    scope,
    new Map([...columnMap(input.columns), ...texts.map((t) => [t, "string"] as const)]),
  );
  const parsed = captures.map((c, i) => {
    const text: Typed = { expr: pl.col(texts[i]), type: "string" };
    return { ...c, text: text.expr, value: fromText(text, c.type, textEnv, op.span) };
  });
  frame = textEnv.materialise(frame);
  const matched: Expr = parsed.length > 0
    ? parsed[0].text.isNotNull()
    : source.expr.str.contains(pattern).fillNull(false);
  // Strict kinds: a typed column that does not convert fails the whole match.
  const ok = strict
    ? parsed.filter((p) => p.type !== "string").reduce(
      (all, p) => all.and(p.value.expr.isNotNull()),
      matched,
    )
    : matched;

  const outputs = new Map<string, { expr: Expr; type: KustoType }>();
  for (const p of parsed) {
    const value = pl.when(ok).then(p.value.expr).otherwise(
      pl.lit(null).cast(polarsTypeOf(p.value.type)),
    );
    outputs.set(p.name, {
      expr: p.type === "string" ? value.fillNull(pl.lit("")) : value,
      type: p.type,
    });
  }
  const columns: ColumnSchema[] = input.columns.map((c) => {
    const o = outputs.get(c.name);
    return o ? { name: c.name, type: o.type } : c;
  });
  for (const [name, o] of outputs) {
    if (!input.columns.some((c) => c.name === name)) columns.push({ name, type: o.type });
  }

  if (op.filter) frame = frame.filter(ok);
  return {
    ...input,
    frame: frame.select(
      ...columns.map((c) => (outputs.get(c.name)?.expr ?? pl.col(c.name)).alias(c.name)),
    ),
    columns,
  };
}

interface Capture {
  readonly name: string;
  readonly type: KustoType;
  /** The capture group's number in the pattern. */
  readonly group: number;
}

/** The regular expression of a parse pattern, with the group of each column. */
export function compilePattern(
  op: A.ParseOperator,
  ctx: Context,
): { pattern: string; captures: Capture[] } {
  const regex = op.parseKind === "regex";
  let pattern = regex ? regexFlags(op, ctx) : "(?s)";
  pattern += "^";
  const captures: Capture[] = [];
  let group = 0;
  op.parts.forEach((part, i) => {
    switch (part.kind) {
      case "text":
        if (regex) {
          pattern += `(?:${part.text})`;
          group += countGroups(part.text);
        } else {
          pattern += regexEscape(part.text);
        }
        break;
      case "wildcard":
        // As Kusto documents: `*` is `.*?` in every kind (RE2's U flag makes it greedy).
        pattern += ".*?";
        break;
      case "column": {
        const next = op.parts[i + 1];
        if (next?.kind === "column") {
          throw ctx.error(
            `the columns '${part.name}' and '${next.name}' of the parse pattern need text ` +
              "between them",
            op.span,
          );
        }
        group++;
        captures.push({ name: part.name, type: part.type, group });
        pattern += `(${columnPattern(part.type, op.parseKind)})`;
        break;
      }
    }
  });
  // A pattern that ends in a column takes the rest of the value; the simple kinds must
  // match the whole value (a trailing `*` skips what is left).
  const last = op.parts.at(-1);
  if (!regex || last?.kind === "column") pattern += "$";
  return { pattern, captures };
}

function columnPattern(type: KustoType, kind: A.ParseOperator["parseKind"]): string {
  const any = kind === "regex" ? ".*" : ".*?";
  const typed = numberPattern(type);
  if (!typed) return any;
  // Relaxed: a number where there is one, else any text (which then converts to null).
  return kind === "relaxed" ? `${typed}|${any}` : typed;
}

function numberPattern(type: KustoType): string | undefined {
  switch (type) {
    case "int":
    case "long":
      return "-?\\d+";
    case "real":
    case "decimal":
      return "-?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?";
    default:
      return undefined;
  }
}

function regexFlags(op: A.ParseOperator, ctx: Context): string {
  const flags = op.flags ?? "";
  if (!/^[imsU]*$/.test(flags)) {
    throw ctx.error(
      `unknown regex flags '${flags}' in 'parse'`,
      op.span,
      "The flags are i (ignore case), m (multi-line), s (dot matches newline), U (ungreedy).",
    );
  }
  return flags ? `(?${flags})` : "";
}

/** How many capture groups a regular expression has (user groups shift the columns'). */
function countGroups(regex: string): number {
  let count = 0;
  let inClass = false;
  for (let i = 0; i < regex.length; i++) {
    const c = regex[i];
    if (c === "\\") {
      i++;
    } else if (inClass) {
      if (c === "]") inClass = false;
    } else if (c === "[") {
      inClass = true;
      if (regex[i + 1] === "^") i++;
      if (regex[i + 1] === "]") i++;
    } else if (c === "(") {
      if (regex[i + 1] !== "?") count++;
      else if (regex[i + 2] === "P" && regex[i + 3] === "<") count++;
      else if (regex[i + 2] === "<" && regex[i + 3] !== "=" && regex[i + 3] !== "!") count++;
    }
  }
  return count;
}

/** Captured text (null when the pattern did not match) as a value of `type`. */
function fromText(text: Typed, type: KustoType, env: ExprEnv, span: A.Span): Typed {
  switch (type) {
    case "string":
      return text;
    case "int":
      return { expr: text.expr.str.strip().cast(pl.Int32, false), type };
    case "long":
      return { expr: text.expr.str.strip().cast(pl.Int64, false), type };
    case "real":
    case "decimal":
      return { expr: text.expr.str.strip().cast(pl.Float64, false), type };
    case "bool":
      return callScalar("tobool", text, env, span);
    case "datetime":
      return callScalar("todatetime", text, env, span);
    case "timespan":
      return callScalar("totimespan", text, env, span);
    case "guid":
      return callScalar("toguid", text, env, span);
    case "dynamic":
      return callScalar("parse_json", text, env, span);
  }
}

function callScalar(name: string, arg: Typed, env: ExprEnv, span: A.Span): Typed {
  const fn = SCALAR_FUNCTIONS.get(name)!;
  const call: A.Call = {
    kind: "call",
    name,
    args: [{ kind: "name", name: "parsed", span }],
    span,
  };
  return fn.compile([arg], { env, call, compile: (e) => compileExpr(e, env) });
}
