/**
 * `scan`: matches rows against a sequence of steps, with state, as Kusto's scan logic
 * describes it. Each row is checked against the steps from the last to the first:
 * - check 1: when the previous step has an active sequence and the row meets the step's
 *   condition, that sequence moves up to this step and the row joins it;
 * - check 2: otherwise, when this step has an active sequence (or is the first step) and
 *   the row meets the condition, the row replaces the step's values in it (on the first
 *   step with no active sequence, a new sequence and match id begin).
 * A matched row is output with the declared columns its step assigns (the others take
 * their default), unless the step says `output=none`; `output=last` keeps only the last
 * row of a run of matches of the step.
 *
 * The state lives in JavaScript; a step's condition and assignments are Polars
 * expressions evaluated per row over a small frame whose rows are the states the step can
 * see (`s1.Col` and the declared columns read from them). A condition that does not read
 * the state is computed once for all rows, and rows that no step can match are skipped.
 *
 * @module
 */
import { checkInterrupt } from "../../../interrupt.ts";
import { type Expr, pl } from "../../../polars.ts";
import type { ColumnSchema, KustoType } from "../../../schema/types.ts";
import type * as A from "../../syntax/ast.ts";
import { type Context, ExprEnv, type Relation, rowEnv, type Scope } from "../_context.ts";
import { compileExpr } from "../_expression.ts";
import { convert, convertJs, toBool } from "../_conversion.ts";
import { type Lookup, translate } from "./_scan_js.ts";
import { jsToSeries, type JsValue, readableExpr, seriesToJs } from "../../runtime/_values.ts";

/** One active sequence: its match id and the row each step of it matched. */
interface Sequence {
  readonly matchId: number;
  /** Per step index: the matched row (input columns then declared columns). */
  readonly rows: Array<JsValue[] | undefined>;
  /** Per step index: where its last output row is, for `output=last`. */
  readonly lastOutput: Array<number | undefined>;
}

/** The state a step's expressions are evaluated against. */
type Variant = { readonly step: number; readonly check: 1 | 2; readonly sequence?: Sequence };

/** Applies `scan`. */
export function scan(input: Relation, op: A.ScanOperator, scope: Scope, ctx: Context): Relation {
  const names = new Set<string>();
  for (const step of op.steps) {
    if (names.has(step.name)) {
      throw ctx.error(`the step name '${step.name}' is used twice`, step.span);
    }
    names.add(step.name);
  }
  for (const d of op.declarations) {
    if (input.columns.some((c) => c.name === d.name)) {
      throw ctx.error(`'${d.name}' is already a column; declare another name`, op.span);
    }
  }
  const declared = op.declarations;
  const defaults = declared.map((d) => {
    if (!d.defaultValue) return null;
    const value = compileExpr(d.defaultValue, new ExprEnv(ctx, scope));
    if (!value.constant) {
      throw ctx.error("a declared default must be a constant", d.defaultValue.span);
    }
    return convert(value, d.type, new ExprEnv(ctx, scope)).constant?.value ?? null;
  });
  for (const step of op.steps) {
    for (const a of step.assignments) {
      if (!declared.some((d) => d.name === a.name)) {
        throw ctx.error(
          `'${a.name}' is not a declared column of scan`,
          a.value.span,
          "Declare it first: scan declare (Name: type) with (...)",
        );
      }
    }
  }
  // The row of a step in a sequence: input columns then declared ones.
  const rowColumns: ColumnSchema[] = [
    ...input.columns,
    ...declared.map((d) => ({ name: d.name, type: d.type })),
  ];
  const rowDefaults: JsValue[] = [...input.columns.map(() => null), ...defaults];
  const stepIndex = new Map(op.steps.map((s, i) => [s.name, i]));
  const refs = new Map<string, { step: number; column: number; type: KustoType }>();
  const declaredRefs = new Map<string, number>();
  const rewrite = (e: A.Expression): A.Expression =>
    mapExpression(e, (x) => {
      if (x.kind === "member" && x.object.kind === "name" && stepIndex.has(x.object.name)) {
        const step = stepIndex.get(x.object.name)!;
        const column = rowColumns.findIndex((c) => c.name === x.name);
        if (column < 0) {
          throw ctx.error(`Unknown column '${x.name}' of step ${x.object.name}`, x.span);
        }
        const name = `__scan_${step}_${column}`;
        refs.set(name, { step, column, type: rowColumns[column].type });
        return { kind: "name", name, span: x.span };
      }
      if (x.kind === "name" && declared.some((d) => d.name === x.name)) {
        const index = declared.findIndex((d) => d.name === x.name);
        const name = `__scan_d${index}`;
        declaredRefs.set(name, index);
        return { kind: "name", name, span: x.span };
      }
      return undefined;
    });
  const steps = op.steps.map((step) => ({
    step,
    condition: rewrite(step.condition),
    assignments: step.assignments.map((a) => ({
      index: declared.findIndex((d) => d.name === a.name),
      value: rewrite(a.value),
    })),
  }));
  const stateNames = new Set([...refs.keys(), ...declaredRefs.keys()]);
  const readsState = (e: A.Expression) => namesOf(e).some((n) => stateNames.has(n));

  // The input, once, as JS values.
  const data = input.frame.select(
    ...input.columns.map((c) => readableExpr(pl.col(c.name), c.type).alias(c.name)),
  ).collectSync();
  const height = data.height;
  const values = input.columns.map((c) => seriesToJs(data.getColumn(c.name), c.type));

  // Conditions that do not read the state, for every row at once.
  const stateless = steps.map(({ condition }) => {
    if (readsState(condition)) return undefined;
    const env = rowEnv(input, scope, ctx);
    const test = toBool(compileExpr(condition, env), condition, env);
    const frame = env.materialise(input.frame).select(test.expr.fillNull(false).alias("ok"));
    return frame.collectSync().getColumn("ok").toArray() as boolean[];
  });

  // The per-row frame's columns: the input columns the steps read, and the state.
  const used = new Set(
    steps.flatMap((s) => [s.condition, ...s.assignments.map((a) => a.value)])
      .flatMap(namesOf),
  );
  const inputUsed = input.columns.map((c, i) => ({ ...c, i })).filter((c) => used.has(c.name));
  const frameColumns = new Map<string, KustoType>([
    ...inputUsed.map((c) => [c.name, c.type] as const),
    ...[...refs].map(([name, r]) => [name, r.type] as const),
    ...[...declaredRefs].map(([name, i]) => [name, declared[i].type] as const),
  ]);
  const compileSteps = (env: ExprEnv) =>
    steps.map((s) => ({
      condition: toBool(compileExpr(s.condition, env), s.condition, env).expr.fillNull(false),
      assignments: s.assignments.map((a) =>
        convert(compileExpr(a.value, env), declared[a.index].type, env)
      ),
    }));
  const probe = new ExprEnv(ctx, scope, frameColumns);
  let compiled = compileSteps(probe);
  // Functions computed in JavaScript run once per compilation: compile again per row then.
  const recompile = probe.hasPending;

  const fast = fastSteps(steps, frameColumns, declared, scope);
  const polarsEvaluate = (rowIndex: number, variants: readonly Variant[]) => {
    const series = [
      ...inputUsed.map((c) =>
        jsToSeries(c.name, variants.map(() => values[c.i][rowIndex]), c.type)
      ),
      ...[...refs].map(([name, r]) =>
        jsToSeries(
          name,
          variants.map((v) => stateValue(v.sequence, r.step, r.column, rowDefaults)),
          r.type,
        )
      ),
      ...[...declaredRefs].map(([name, i]) =>
        jsToSeries(
          name,
          variants.map((v) => latestDeclared(v.sequence, input.columns.length + i, defaults[i])),
          declared[i].type,
        )
      ),
    ];
    const env = recompile ? new ExprEnv(ctx, scope, frameColumns) : probe;
    if (recompile) compiled = compileSteps(env);
    const exprs: Expr[] = [];
    compiled.forEach((c, s) => {
      exprs.push(c.condition.alias(`c${s}`));
      c.assignments.forEach((a, j) => exprs.push(readableExpr(a.expr, a.type).alias(`a${s}_${j}`)));
    });
    let frame = series.length > 0
      ? pl.DataFrame(series).lazy()
      : pl.DataFrame({ __row: variants.map(() => 0) }).lazy();
    frame = env.materialise(frame);
    const out = frame.select(...exprs).collectSync();
    const conditions = compiled.map((_, s) => out.getColumn(`c${s}`).toArray() as boolean[]);
    const assigned = compiled.map((c, s) =>
      c.assignments.map((a, j) => seriesToJs(out.getColumn(`a${s}_${j}`), a.type))
    );
    return (variant: number, s: number) => ({
      matched: conditions[s][variant] === true,
      assigned: assigned[s].map((column) => column[variant]),
    });
  };

  // The fast path: the same evaluation in JavaScript, value by value.
  const jsEvaluate = (rowIndex: number, variants: readonly Variant[]) => {
    const lookups = variants.map((v): Lookup => (name) => {
      const column = inputIndex.get(name);
      if (column !== undefined) return values[column][rowIndex];
      const ref = refs.get(name);
      if (ref) return stateValue(v.sequence, ref.step, ref.column, rowDefaults);
      const d = declaredRefs.get(name)!;
      return latestDeclared(v.sequence, input.columns.length + d, defaults[d]);
    });
    return (variant: number, s: number) => ({
      matched: fast![s].condition(lookups[variant]) === true,
      assigned: fast![s].assignments.map((a) => a(lookups[variant])),
    });
  };
  const inputIndex = new Map(input.columns.map((c, i) => [c.name, i]));
  const evaluate = fast ? jsEvaluate : polarsEvaluate;

  const state: Array<Sequence | undefined> = op.steps.map(() => undefined);
  const output: Array<{ row: JsValue[]; matchId: number } | undefined> = [];
  let nextMatchId = 0;
  for (let r = 0; r < height; r++) {
    if ((r & 4095) === 0) checkInterrupt();
    const possible = (s: number) => stateless[s]?.[r] !== false;
    const variants: Variant[] = [];
    op.steps.forEach((_, s) => {
      if (!possible(s)) return;
      if (s > 0 && state[s - 1]) variants.push({ step: s, check: 1, sequence: state[s - 1] });
      if (state[s]) variants.push({ step: s, check: 2, sequence: state[s] });
      if (s === 0) variants.push({ step: 0, check: 2, sequence: undefined });
    });
    if (variants.length === 0) continue;
    const result = evaluate(r, variants);
    const variantOf = (s: number, check: 1 | 2, sequence: Sequence | undefined) =>
      variants.findIndex((v) => v.step === s && v.check === check && v.sequence === sequence);
    const inputRow = values.map((column) => column[r]);
    for (let s = op.steps.length - 1; s >= 0; s--) {
      const step = op.steps[s];
      const extended = (assigned: JsValue[]): JsValue[] => {
        const row = [...inputRow, ...defaults];
        steps[s].assignments.forEach((a, j) => {
          row[input.columns.length + a.index] = assigned[j];
        });
        return row;
      };
      const emit = (sequence: Sequence, row: JsValue[]) => {
        if (step.output === "none") return;
        const last = sequence.lastOutput[s];
        if (step.output === "last" && last !== undefined) output[last] = undefined;
        sequence.lastOutput[s] = output.length;
        output.push({ row, matchId: sequence.matchId });
      };
      // Check 1: the previous step's sequence moves up to this step.
      const previous = s > 0 ? state[s - 1] : undefined;
      if (previous) {
        const v = variantOf(s, 1, previous);
        const test = v >= 0 ? result(v, s) : undefined;
        if (test?.matched) {
          const row = extended(test.assigned);
          const moved: Sequence = {
            matchId: previous.matchId,
            rows: [...previous.rows],
            lastOutput: [...previous.lastOutput],
          };
          moved.rows[s] = row;
          moved.lastOutput[s] = undefined;
          state[s - 1] = undefined;
          state[s] = moved;
          emit(moved, row);
          continue;
        }
      }
      // Check 2: the step's own sequence (or, for the first step, a new one).
      const own = state[s];
      if (!own && s > 0) continue;
      const v = variantOf(s, 2, own);
      if (v < 0) continue;
      const test = result(v, s);
      if (!test.matched) continue;
      const row = extended(test.assigned);
      if (own) {
        own.rows[s] = row;
        emit(own, row);
      } else {
        const started: Sequence = { matchId: nextMatchId++, rows: [], lastOutput: [] };
        started.rows[s] = row;
        state[s] = started;
        emit(started, row);
      }
    }
  }

  const rows = output.filter((o) => o !== undefined);
  const columns: ColumnSchema[] = [...rowColumns];
  const series = rowColumns.map((c, i) => jsToSeries(c.name, rows.map((o) => o.row[i]), c.type));
  if (op.matchId) {
    columns.push({ name: op.matchId, type: "long" });
    series.push(jsToSeries(op.matchId, rows.map((o) => o.matchId), "long"));
  }
  return { frame: pl.DataFrame(series).lazy(), columns, ordered: true };
}

/** The steps as JavaScript functions (see _scan_js.ts), or undefined when one is not. */
function fastSteps(
  steps: ReadonlyArray<{
    condition: A.Expression;
    assignments: ReadonlyArray<{ index: number; value: A.Expression }>;
  }>,
  columns: ReadonlyMap<string, KustoType>,
  declared: readonly A.ScanDeclaration[],
  scope: Scope,
):
  | Array<{ condition: (l: Lookup) => JsValue; assignments: Array<(l: Lookup) => JsValue> }>
  | undefined {
  const out = [];
  for (const step of steps) {
    const condition = translate(step.condition, columns, scope);
    if (!condition || condition.type !== "bool") return undefined;
    const assignments: Array<(l: Lookup) => JsValue> = [];
    for (const a of step.assignments) {
      const value = translate(a.value, columns, scope);
      if (!value) return undefined;
      const to = declared[a.index].type;
      const from = value.type;
      assignments.push(
        from === to ? value.run : (l) => {
          const v = value.run(l);
          return v === null ? null : convertJs(v, from, to);
        },
      );
    }
    out.push({ condition: condition.run, assignments });
  }
  return out;
}

/** `step.Column` in a sequence: the step's row, or (no row yet) null or the declared default. */
function stateValue(
  sequence: Sequence | undefined,
  step: number,
  column: number,
  rowDefaults: readonly JsValue[],
): JsValue {
  const row = sequence?.rows[step];
  return row ? row[column] : rowDefaults[column];
}

/** A declared column's value in a sequence: its latest step's, else the default. */
function latestDeclared(
  sequence: Sequence | undefined,
  column: number,
  fallback: JsValue,
): JsValue {
  if (sequence) {
    for (let s = sequence.rows.length - 1; s >= 0; s--) {
      const row = sequence.rows[s];
      if (row) return row[column];
    }
  }
  return fallback;
}

/** The names an expression reads. */
function namesOf(e: A.Expression): string[] {
  const names: string[] = [];
  mapExpression(e, (x) => {
    if (x.kind === "name") names.push(x.name);
    return undefined;
  });
  return names;
}

/**
 * Rebuilds an expression bottom-up where `replace` gives a node (visiting every node; a
 * node replaced is not visited inside).
 */
function mapExpression(
  e: A.Expression,
  replace: (e: A.Expression) => A.Expression | undefined,
): A.Expression {
  const replaced = replace(e);
  if (replaced) return replaced;
  const again = (x: A.Expression) => mapExpression(x, replace);
  switch (e.kind) {
    case "binary":
      return { ...e, left: again(e.left), right: again(e.right) };
    case "unary":
      return { ...e, operand: again(e.operand) };
    case "paren":
      return { ...e, expression: again(e.expression) };
    case "call":
      return {
        ...e,
        args: e.args.map(again),
        named: e.named &&
          Object.fromEntries(Object.entries(e.named).map(([k, v]) => [k, again(v)])),
      };
    case "in":
      return { ...e, left: again(e.left), values: e.values.map(again) };
    case "between":
      return { ...e, left: again(e.left), low: again(e.low), high: again(e.high) };
    case "member":
      return { ...e, object: again(e.object) };
    case "index":
      return { ...e, object: again(e.object), index: again(e.index) };
    default:
      return e;
  }
}
