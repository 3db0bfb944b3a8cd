/**
 * `partition`, `fork` and `facet`: subqueries over parts or copies of the piped table.
 * `partition` runs its subquery once per value of the key column and unions the results
 * (every `hint.strategy` gives the same result). `fork` and `facet` make several result
 * tables, as Kusto does: the first is the relation they return (what later operators such
 * as `render` see); all of them, named, are kept aside for the relation
 * ({@link resultTablesOf}), and the query's result carries them when the query ends there.
 *
 * Names follow Kusto's: a fork leg's `name = ( ... )` or its trailing `| as name`; a facet
 * table is named after its column (Kusto counts each column as `count_<column>`), and the
 * `with ( ... )` table, which comes first, is `PrimaryResult`. Unnamed legs are `Table_<i>`
 * (the index among the result tables, as Kusto's v1 protocol names tables), except a first
 * unnamed one, which is `PrimaryResult`.
 *
 * @module
 */
import { type DataFrame, pl } from "../../../polars.ts";
import type * as A from "../../syntax/ast.ts";
import { type Context, type Relation, Scope, type Typed } from "../_context.ts";
import { jsToExpr, readableExpr, seriesToJs } from "../../runtime/_values.ts";
import { union } from "./_union.ts";

/** Applies `partition by Column (operators)` or `partition by Column { query }`. */
export function partition(
  input: Relation,
  op: A.PartitionOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const key = input.columns.find((c) => c.name === op.column.name);
  if (!key) {
    throw ctx.error(
      `Unknown column '${op.column.name}' to partition by`,
      op.column.span,
      `Columns here: ${input.columns.map((c) => c.name).slice(0, 15).join(", ")}`,
    );
  }
  if (key.type === "dynamic") {
    throw ctx.error("cannot partition by a dynamic column; convert it first", op.column.span);
  }
  // The input runs once; each partition is a part of its rows.
  const data = input.frame.select(...input.columns.map((c) => pl.col(c.name))).collectSync();
  const parts: DataFrame[] = data.height === 0 ? [] : data.partitionBy(key.name, true, true);
  const subquery = op.subquery;
  const run = (part: DataFrame): Relation => {
    const inner = new Scope(scope);
    if (subquery.kind === "operators") {
      let relation: Relation = { ...input, frame: part.lazy(), ordered: input.ordered };
      for (const step of subquery.operators) {
        relation = ctx.compiler.applyOperator(relation, step, inner, ctx);
      }
      return relation;
    }
    // `{ query }`: the key's name is the partition's value (also as `toscalar(Key)`).
    const value = seriesToJs(
      part.select(readableExpr(pl.col(key.name), key.type).alias("v")).getColumn("v"),
      key.type,
    )[0] ?? null;
    const typed: Typed = { expr: jsToExpr(value, key.type), type: key.type, constant: { value } };
    inner.set(key.name, { kind: "scalar", value: typed });
    return ctx.compiler.tabularOf(subquery.expression, inner, ctx);
  };
  if (parts.length === 0) {
    // No rows: the subquery over the empty table still gives the result's columns.
    const empty = run(data);
    return { ...empty, frame: empty.frame.head(0) };
  }
  const results = parts.map((part) => {
    const result = run(part);
    const frame = result.frame.select(...result.columns.map((c) => pl.col(c.name))).collectSync();
    return { ...result, frame: frame.lazy() };
  });
  if (results.length === 1) return results[0];
  const sources = results.map((_, i): A.Expression => ({
    kind: "name",
    name: `partition_${i}`,
    span: op.span,
  }));
  return union(results, { unionKind: "outer" }, sources);
}

/** One named result table of `fork` or `facet`. */
export interface ResultTable {
  /** The table's name (`PrimaryResult` for an unnamed first table). */
  readonly name: string;
  /** The table's rows and columns. */
  readonly relation: Relation;
}

/** The tables of a `fork` or `facet` relation, by the relation `fork`/`facet` returned. */
const resultTables = new WeakMap<Relation, readonly ResultTable[]>();

/**
 * Every result table of `relation` when `fork` or `facet` made it (the first is the
 * relation itself), or undefined for a relation that is one table.
 */
export function resultTablesOf(relation: Relation): readonly ResultTable[] | undefined {
  return resultTables.get(relation);
}

/**
 * `next` with the result tables of `previous` carried over: for operators that change
 * only how the first table is shown (`render`), so that `fork (...) (...) | render ...`
 * keeps its tables.
 */
export function keepResultTables(previous: Relation, next: Relation): Relation {
  const tables = resultTables.get(previous);
  if (!tables || next === previous) return next;
  resultTables.set(next, [{ ...tables[0], relation: next }, ...tables.slice(1)]);
  return next;
}

function withTables(tables: readonly ResultTable[]): Relation {
  const first = tables[0].relation;
  // One table (a fork of one leg, a facet of one column) is an ordinary result.
  if (tables.length > 1) resultTables.set(first, tables);
  return first;
}

/** The default name of the unnamed result table at `index`. */
function defaultName(index: number): string {
  return index === 0 ? "PrimaryResult" : `Table_${index}`;
}

/** Applies `fork (ops) (ops) ...`: one result table per leg; the first is returned. */
export function fork(input: Relation, op: A.ForkOperator, scope: Scope, ctx: Context): Relation {
  return withTables(op.legs.map((leg, i) => {
    const last = leg.operators.at(-1);
    const name = leg.name ?? (last?.kind === "as" ? last.name : undefined) ?? defaultName(i);
    // A leg's relation must be its own object: two legs may return the input itself.
    const relation = { ...applyAll(input, leg.operators, new Scope(scope), ctx) };
    return { name, relation };
  }));
}

/**
 * Applies `facet by a, b [with (ops)]`: the `with` table first, then each column's value
 * counts; the first is returned.
 */
export function facet(input: Relation, op: A.FacetOperator, scope: Scope, ctx: Context): Relation {
  const tables: ResultTable[] = [];
  if (op.with) {
    const relation = { ...applyAll(input, op.with, new Scope(scope), ctx) };
    tables.push({ name: "PrimaryResult", relation });
  }
  for (const column of op.columns) {
    const relation = ctx.compiler.applyOperator(
      input,
      {
        kind: "summarize",
        aggregates: [{
          names: [`count_${column.name}`],
          expression: { kind: "call", name: "count", args: [], span: column.span },
          span: column.span,
        }],
        by: [{ expression: column, span: column.span }],
        span: op.span,
      },
      scope,
      ctx,
    );
    tables.push({ name: column.name, relation: { ...relation } });
  }
  return withTables(tables);
}

function applyAll(
  input: Relation,
  operators: readonly A.Operator[],
  scope: Scope,
  ctx: Context,
): Relation {
  let relation = input;
  for (const step of operators) relation = ctx.compiler.applyOperator(relation, step, scope, ctx);
  return relation;
}
