/**
 * `reduce by Text`: groups similar strings under a pattern, after Vaarandi's SLCT (the
 * algorithm Kusto's `reduce` is based on). Each text is split into terms; a term is
 * frequent at its position when it appears there in more than `threshold` of the rows;
 * a row's pattern keeps its frequent terms and puts `*` for the others, and patterns
 * shared by more than `threshold` of the rows are the groups. The rest are `others`.
 *
 * Terms are separated by every character that is not a letter or digit, kept in the
 * pattern as written; with `characters="..."` by those characters only, which the pattern
 * leaves out (`fooZ1` with `characters="Z"` is `foo*`).
 *
 * @module
 */
import { pl } from "../../../polars.ts";
import type * as A from "../../syntax/ast.ts";
import { type Context, ExprEnv, type Relation, rowEnv, type Scope } from "../_context.ts";
import { compileExpr } from "../_expression.ts";
import { toStringTyped } from "../_conversion.ts";
import { jsToSeries, seriesToJs } from "../../runtime/_values.ts";

interface Token {
  readonly text: string;
  readonly term: boolean;
}

/** Applies `reduce [kind=source] by Expr [with threshold=T, characters=C]`. */
export function reduce(
  input: Relation,
  op: A.ReduceOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  for (const name of Object.keys(op.options)) {
    if (name !== "threshold" && name !== "characters") {
      throw ctx.error(`'${name}' is not an option of reduce (threshold, characters)`, op.span);
    }
  }
  const constant = (name: string): unknown => {
    const e = op.options[name];
    if (!e) return undefined;
    const value = compileExpr(e, new ExprEnv(ctx, scope));
    if (!value.constant) throw ctx.error(`the ${name} of reduce must be a constant`, e.span);
    return value.constant.value;
  };
  const threshold = constant("threshold") ?? 0.1;
  if (typeof threshold !== "number" || !(threshold >= 0 && threshold <= 1)) {
    throw ctx.error("the threshold of reduce must be a number from 0 to 1", op.span);
  }
  const characters = constant("characters");
  if (characters !== undefined && typeof characters !== "string") {
    throw ctx.error("the characters of reduce must be a string", op.span);
  }

  const env = rowEnv(input, scope, ctx);
  const text = toStringTyped(compileExpr(op.value, env), env);
  const column = ctx.temp("__reduce");
  const data = env.materialise(input.frame).withColumns(text.expr.alias(column)).collectSync();
  const values = seriesToJs(data.getColumn(column), "string").map((v) => (v ?? "") as string);
  const patterns = reducePatterns(values, threshold, characters);

  if (op.keepSource) {
    const kept = data.select(...input.columns.map((c) => pl.col(c.name)))
      .withColumn(jsToSeries("Pattern", patterns.perRow, "string"));
    return { frame: kept.lazy(), columns: [...input.columns, { name: "Pattern", type: "string" }] };
  }
  const frame = pl.DataFrame([
    jsToSeries("Pattern", patterns.groups.map((g) => g.pattern), "string"),
    jsToSeries("Count", patterns.groups.map((g) => g.count), "long"),
    jsToSeries("Representative", patterns.groups.map((g) => g.representative), "string"),
  ]);
  return {
    frame: frame.lazy(),
    columns: [
      { name: "Pattern", type: "string" },
      { name: "Count", type: "long" },
      { name: "Representative", type: "string" },
    ],
  };
}

/** The groups of `values` (most rows first, `others` last) and each row's pattern. */
export function reducePatterns(
  values: readonly string[],
  threshold: number,
  characters?: string,
): {
  groups: Array<{ pattern: string; count: number; representative: string }>;
  perRow: string[];
} {
  const tokenized = values.map((v) => tokenize(v, characters));
  const support = threshold * values.length;
  const frequency = new Map<string, number>();
  const termKey = (position: number, term: string) => `${position}\u0000${term}`;
  for (const tokens of tokenized) {
    let position = 0;
    for (const t of tokens) {
      if (!t.term) continue;
      const key = termKey(position++, t.text);
      frequency.set(key, (frequency.get(key) ?? 0) + 1);
    }
  }
  const keepSeparators = characters === undefined;
  const patternOf = (tokens: readonly Token[]): string | undefined => {
    let pattern = "";
    let position = 0;
    let frequent = 0;
    let pendingSeparator = "";
    let lastWasStar = false;
    for (const t of tokens) {
      if (!t.term) {
        if (keepSeparators) pendingSeparator += t.text;
        continue;
      }
      const isFrequent = (frequency.get(termKey(position++, t.text)) ?? 0) > support;
      if (isFrequent) {
        pattern += pendingSeparator + t.text;
        frequent++;
        lastWasStar = false;
      } else if (!lastWasStar) {
        pattern += pendingSeparator + "*";
        lastWasStar = true;
      }
      pendingSeparator = "";
    }
    if (frequent === 0) return undefined;
    return pattern + (lastWasStar ? "" : pendingSeparator);
  };
  const rowPatterns = tokenized.map(patternOf);
  const groups = new Map<string, { pattern: string; count: number; representative: string }>();
  rowPatterns.forEach((pattern, i) => {
    if (pattern === undefined) return;
    const group = groups.get(pattern);
    if (group) group.count++;
    else groups.set(pattern, { pattern, count: 1, representative: values[i] });
  });
  const kept = [...groups.values()].filter((g) => g.count > support);
  const keptPatterns = new Set(kept.map((g) => g.pattern));
  const perRow = rowPatterns.map((p) => (p !== undefined && keptPatterns.has(p) ? p : "others"));
  kept.sort((a, b) => b.count - a.count);
  const others = perRow.filter((p) => p === "others").length;
  if (others > 0) kept.push({ pattern: "others", count: others, representative: "" });
  return { groups: kept, perRow };
}

function tokenize(value: string, characters?: string): Token[] {
  const separators = characters === undefined ? undefined : new Set(characters);
  const isSeparator = (c: string) => separators ? separators.has(c) : !/[\p{L}\p{N}]/u.test(c);
  const tokens: Token[] = [];
  for (const c of value) {
    const term = !isSeparator(c);
    const last = tokens.at(-1);
    if (last && last.term === term) tokens[tokens.length - 1] = { text: last.text + c, term };
    else tokens.push({ text: c, term });
  }
  return tokens;
}
