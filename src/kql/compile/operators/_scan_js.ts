/**
 * `scan`'s fast path: the steps' conditions and assignments as JavaScript functions, for
 * the expressions most scans are made of (literals, columns, `s1.Col`, `+ - *`,
 * comparisons, `and`/`or`/`not`, `iff`, `isnull` and `isempty` and their negations). A
 * scan evaluates its steps row after row; run through Polars that costs a frame per row,
 * here a function call. Anything else is not translated (`undefined`), and the scan takes
 * the Polars path, which knows every function.
 *
 * Values are those of `runtime/_values.ts` (numbers for numbers, datetimes and timespans
 * in microseconds; strings; booleans; null), and the rules those of the engine: null in,
 * null out; comparisons with null are null; `and`/`or` are three-valued.
 *
 * @module
 */
import type { KustoType } from "../../../schema/types.ts";
import type * as A from "../../syntax/ast.ts";
import type { Scope } from "../_context.ts";
import type { JsValue } from "../../runtime/_values.ts";

/** A value read by name: a column of the row or a value of the scan's state. */
export type Lookup = (name: string) => JsValue;

/** A translated expression: its Kusto type and how to compute it. */
export interface JsExpression {
  readonly type: KustoType;
  readonly run: (lookup: Lookup) => JsValue;
}

const NUMERIC = new Set<KustoType>(["int", "long", "real"]);

/**
 * `e` as a JavaScript function over the names in `columns` (and constant `let`s of
 * `scope`), or undefined when it uses something the fast path does not know.
 */
export function translate(
  e: A.Expression,
  columns: ReadonlyMap<string, KustoType>,
  scope: Scope,
): JsExpression | undefined {
  const again = (x: A.Expression) => translate(x, columns, scope);
  switch (e.kind) {
    case "literal": {
      const v = typeof e.value === "bigint" ? Number(e.value) : e.value ?? null;
      if (e.type === "dynamic" || e.type === "decimal" || e.type === "guid") return undefined;
      return { type: e.type, run: () => v };
    }
    case "name": {
      const type = columns.get(e.name);
      if (type !== undefined) {
        if (type === "dynamic" || type === "decimal" || type === "guid") return undefined;
        const name = e.name;
        return { type, run: (lookup) => lookup(name) };
      }
      const binding = scope.get(e.name);
      if (binding?.kind === "scalar" && binding.value.constant) {
        const v = binding.value.constant.value;
        const type = binding.value.type;
        if (type === "dynamic" || type === "decimal" || type === "guid") return undefined;
        return { type, run: () => v };
      }
      return undefined;
    }
    case "paren":
      return again(e.expression);
    case "unary": {
      const operand = again(e.operand);
      if (!operand || !(NUMERIC.has(operand.type) || operand.type === "timespan")) return undefined;
      if (e.op === "+") return operand;
      return { type: operand.type, run: (l) => negate(operand.run(l)) };
    }
    case "binary":
      return binary(e, again);
    case "call":
      return call(e, again);
    default:
      return undefined;
  }
}

function negate(v: JsValue): JsValue {
  return v === null ? null : -(v as number);
}

function binary(
  e: A.Binary,
  again: (x: A.Expression) => JsExpression | undefined,
): JsExpression | undefined {
  const left = again(e.left);
  const right = again(e.right);
  if (!left || !right) return undefined;
  const [a, b] = [left.run, right.run];
  switch (e.op) {
    case "and":
    case "or": {
      if (left.type !== "bool" || right.type !== "bool") return undefined;
      const isAnd = e.op === "and";
      return {
        type: "bool",
        run: (l) => {
          const x = a(l);
          if (x === !isAnd) return x;
          const y = b(l);
          if (y === !isAnd) return y;
          return x === null || y === null ? null : isAnd;
        },
      };
    }
    case "+":
    case "-":
    case "*": {
      const type = arithmeticType(e.op, left.type, right.type);
      if (!type) return undefined;
      const op = e.op;
      return {
        type,
        run: (l) => {
          const x = a(l);
          const y = b(l);
          if (x === null || y === null) return null;
          const n = op === "+"
            ? (x as number) + (y as number)
            : op === "-"
            ? (x as number) - (y as number)
            : (x as number) * (y as number);
          return type === "long" || type === "int" ? Math.trunc(n) : n;
        },
      };
    }
    case "==":
    case "!=":
    case "<":
    case "<=":
    case ">":
    case ">=": {
      const comparable = (NUMERIC.has(left.type) && NUMERIC.has(right.type)) ||
        (left.type === right.type &&
          (left.type === "datetime" || left.type === "timespan" ||
            ((left.type === "string" || left.type === "bool") &&
              (e.op === "==" || e.op === "!="))));
      if (!comparable) return undefined;
      const compare = COMPARE[e.op];
      return {
        type: "bool",
        run: (l) => {
          const x = a(l);
          const y = b(l);
          return x === null || y === null ? null : compare(x, y);
        },
      };
    }
    case "=~":
    case "!~": {
      if (left.type !== "string" || right.type !== "string") return undefined;
      const equal = e.op === "=~";
      return {
        type: "bool",
        run: (l) => {
          const x = a(l);
          const y = b(l);
          if (x === null || y === null) return null;
          return ((x as string).toLowerCase() === (y as string).toLowerCase()) === equal;
        },
      };
    }
    default:
      return undefined;
  }
}

const COMPARE: Record<string, (x: JsValue, y: JsValue) => boolean> = {
  "==": (x, y) => x === y,
  "!=": (x, y) => x !== y,
  "<": (x, y) => (x as number) < (y as number),
  "<=": (x, y) => (x as number) <= (y as number),
  ">": (x, y) => (x as number) > (y as number),
  ">=": (x, y) => (x as number) >= (y as number),
};

/** The result type of `a op b` for + - *, or undefined where the fast path does not go. */
function arithmeticType(op: string, a: KustoType, b: KustoType): KustoType | undefined {
  if (NUMERIC.has(a) && NUMERIC.has(b)) return a === "real" || b === "real" ? "real" : "long";
  if (op === "*") {
    if (a === "timespan" && (b === "long" || b === "int")) return "timespan";
    if (b === "timespan" && (a === "long" || a === "int")) return "timespan";
    return undefined;
  }
  if (a === "timespan" && b === "timespan") return "timespan";
  if (a === "datetime" && b === "timespan") return "datetime";
  if (op === "+" && a === "timespan" && b === "datetime") return "datetime";
  if (op === "-" && a === "datetime" && b === "datetime") return "timespan";
  return undefined;
}

function call(
  e: A.Call,
  again: (x: A.Expression) => JsExpression | undefined,
): JsExpression | undefined {
  if (e.named) return undefined;
  const args = e.args.map(again);
  if (args.some((x) => x === undefined)) return undefined;
  const [a, b, c] = args as JsExpression[];
  switch (e.name) {
    case "iff":
    case "iif": {
      if (args.length !== 3 || a.type !== "bool") return undefined;
      const type = b.type === c.type ? b.type : undefined;
      if (!type) return undefined;
      return { type, run: (l) => (a.run(l) === true ? b.run(l) : c.run(l)) };
    }
    case "not":
      if (args.length !== 1 || a.type !== "bool") return undefined;
      return {
        type: "bool",
        run: (l) => {
          const v = a.run(l);
          return v === null ? null : !v;
        },
      };
    case "isnull":
    case "isnotnull": {
      if (args.length !== 1) return undefined;
      const want = e.name === "isnull";
      // A string is never null in Kusto: it is empty.
      if (a.type === "string") return { type: "bool", run: () => !want };
      return { type: "bool", run: (l) => (a.run(l) === null) === want };
    }
    case "isempty":
    case "isnotempty": {
      if (args.length !== 1) return undefined;
      const want = e.name === "isempty";
      return {
        type: "bool",
        run: (l) => {
          const v = a.run(l);
          return (v === null || v === "") === want;
        },
      };
    }
    default:
      return undefined;
  }
}
