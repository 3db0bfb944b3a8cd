/**
 * `sample` and `sample-distinct`: rows or values chosen at random. The choice is seeded
 * by the query's text, so one query gives the same sample on every run (a replayed
 * session finds the rows it recorded); the draws of one query differ from one another.
 * Kusto's own choice cannot be reproduced: its samples are not compared with Kusto's rows.
 *
 * @module
 */
import { pl } from "../../../polars.ts";
import type * as A from "../../syntax/ast.ts";
import type { Context, Relation, Scope } from "../_context.ts";
import { rowCount } from "./_rows.ts";

/** Applies `sample N`: N rows chosen at random, in their input order. */
export function sample(
  input: Relation,
  op: A.SampleOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  return chooseRows(input, rowCount(op.count, scope, ctx), ctx);
}

/** Applies `sample-distinct N of Column`: up to N of the column's distinct values. */
export function sampleDistinct(
  input: Relation,
  op: A.SampleDistinctOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const n = rowCount(op.count, scope, ctx);
  const values = ctx.compiler.applyOperator(
    input,
    { kind: "distinct", columns: [op.value], span: op.span },
    scope,
    ctx,
  );
  return { ...chooseRows(values, n, ctx), ordered: undefined };
}

/** `n` rows of `input` chosen with the query's random numbers, kept in input order. */
export function chooseRows(input: Relation, n: number, ctx: Context): Relation {
  const data = input.frame.select(...input.columns.map((c) => pl.col(c.name))).collectSync();
  const height = data.height;
  if (n >= height) return { ...input, frame: data.lazy() };
  const random = randomOf(ctx);
  // A partial Fisher-Yates shuffle: the first n positions are a uniform choice.
  const order = Array.from({ length: height }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (height - i));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const keep = new Array<boolean>(height).fill(false);
  for (let i = 0; i < n; i++) keep[order[i]] = true;
  const mask = ctx.temp("__keep");
  const frame = data.withColumn(pl.Series(mask, keep)).filter(pl.col(mask)).drop(mask);
  return { ...input, frame: frame.lazy() };
}

const generators = new WeakMap<Context, () => number>();

/** The query's random numbers in [0, 1): seeded by its text, one sequence per query. */
export function randomOf(ctx: Context): () => number {
  let generator = generators.get(ctx);
  if (!generator) {
    generator = mulberry32(fnv1a(ctx.query));
    generators.set(ctx, generator);
  }
  return generator;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

// A small, well-mixed 32-bit generator (public domain, Tommy Ettinger).
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
