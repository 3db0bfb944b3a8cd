/**
 * Kusto's names for unnamed columns: `summarize by tostring(x)` is `x`,
 * `make_list(tostring(x))` is `list_x`, `strlen(x)` is `strlen_x`, `d.a` is `d_a`. The
 * reference is Kusto.Language (the official binder, in `@kusto/language-service-next`):
 * each function's `ResultNameKind` and `ResultNamePrefix`, and the columns its binder gives
 * a query; where the real engine is known to differ (results in the conformance corpus),
 * the engine wins.
 */
import assert from "node:assert/strict";
import { executeKql } from "../../src/kql/mod.ts";
import { AGGREGATE_FUNCTIONS, SCALAR_FUNCTIONS } from "../../src/kql/functions/_registry.ts";
import {
  AGGREGATE_RESULT_NAMES,
  type ResultNameRule,
  SCALAR_RESULT_NAMES,
} from "../../src/kql/functions/_result_names.ts";
import { bindKql, items, KUSTO_GLOBALS } from "./_kusto_binder.ts";

// deno-lint-ignore no-explicit-any
const Kusto = (globalThis as any).Kusto;
const Symbols = Kusto.Language.Symbols;

interface KustoParameter {
  TypeKind: number;
  DeclaredTypes: unknown;
  ArgumentKind: number;
  MinOccurring: number;
  IsOptional: boolean;
  Values: unknown;
}
interface KustoSignature {
  IsHidden: boolean;
  Parameters: unknown;
}
interface KustoFunction {
  Name: string;
  ResultNameKind: number;
  ResultNamePrefix: string | null;
  Signatures: unknown;
}

const KIND_NAMES = new Map<number, string>(
  Object.entries(Symbols.ResultNameKind as Record<string, unknown>)
    .filter(([, v]) => typeof v === "number")
    .map(([k, v]) => [v as number, k]),
);

/** The functions of a Kusto.Language list whose rule is not the default, as rules. */
function kustoRules(list: unknown): Map<string, ResultNameRule> {
  const rules = new Map<string, ResultNameRule>();
  for (const f of items<KustoFunction>(list)) {
    const kind = KIND_NAMES.get(f.ResultNameKind)!;
    if (kind === "Default" || kind === "None") continue;
    rules.set(
      f.Name,
      f.ResultNamePrefix === null
        ? { kind: kind as ResultNameRule["kind"] }
        : { kind: kind as ResultNameRule["kind"], prefix: f.ResultNamePrefix },
    );
  }
  return rules;
}

/** One row of every Kusto type, as a table both casefile and Kusto.Language can read. */
const T = "let T = datatable(i: int, l: long, r: real, m: decimal, b: bool, s: string, " +
  "d: datetime, t: timespan, g: guid, y: dynamic) [int(1), 1, 1.5, decimal(1.5), true, " +
  '"1", datetime(2020-01-01), 1d, guid(74be27de-1e4e-49d9-b579-fe0b331d3642), ' +
  'dynamic({"a": [1, 2]})];\n';

async function names(query: string): Promise<string[]> {
  return (await executeKql(T + query)).schema.columns.map((c) => c.name);
}

function kustoNames(query: string): string[] | undefined {
  const bound = bindKql(T + query);
  return bound.errors.length === 0 ? bound.columns.map((c) => c.name) : undefined;
}

Deno.test("the result-name rules are Kusto.Language's, for every function", () => {
  assert.deepEqual(SCALAR_RESULT_NAMES, kustoRules(KUSTO_GLOBALS.Functions));
  assert.deepEqual(AGGREGATE_RESULT_NAMES, kustoRules(KUSTO_GLOBALS.Aggregates));
});

Deno.test("conversions are named after their argument", async () => {
  assert.deepEqual(await names("T | summarize count() by tostring(s)"), ["s", "count_"]);
  assert.deepEqual(await names("T | summarize make_list(tostring(y.a)), dcount(tolower(s))"), [
    "list_y_a",
    "dcount_",
  ]);
  // extend replaces the column its result is named after.
  assert.deepEqual(await names("T | extend tostring(l) | project-away i, r, m, b, s, d, t, g, y"), [
    "l",
  ]);
  assert.deepEqual(await names("T | project tostring(l), l"), ["l", "l1"]);
  assert.deepEqual(await names("T | summarize count() by bin(todatetime(d), 1d), tolong(l)"), [
    "d",
    "l",
    "count_",
  ]);
});

Deno.test("paths, functions and aggregates name their columns as Kusto does", async () => {
  assert.deepEqual(await names("T | project parse_json(s).a, y.a.b, y['c'], y[0], y[-1]"), [
    "s_a",
    "y_a_b",
    "y_c",
    "y_0",
    "y_",
  ]);
  // Without a name for what is indexed, the key alone.
  assert.deepEqual(
    await names('T | project pack("a", s).a, bag_pack("k", 1)["k"], dynamic({"z": 1}).z'),
    ["a", "k", "z"],
  );
  assert.deepEqual(await names("T | project strlen(tostring(y.a)), gettype(y.a), round(r)"), [
    "strlen_y_a",
    "type_y_a",
    "r",
  ]);
  assert.deepEqual(
    await names(
      "T | summarize sum(l * 2), sum(tolong(l)), countif(b), take_any(s), round(avg(l), 2), " +
        "avg(l) * 2",
    ),
    ["sum_", "sum_l", "countif_b", "s", "avg_l", "Column1"],
  );
  assert.deepEqual(await names('T | project column_ifexists("s", ""), column_ifexists("z", 1)'), [
    "s",
    "Column1",
  ]);
});

Deno.test("only the columns Kusto cannot name are numbered; print names its own", async () => {
  assert.deepEqual(await names('T | project strcat(s), tostring(s), strcat(s, "x"), l + 1'), [
    "Column1",
    "s",
    "Column2",
    "Column3",
  ]);
  assert.deepEqual(
    await names("T | extend Column1 = 1 | extend strcat(s) | project Column1, Column2"),
    ["Column1", "Column2"],
  );
  assert.deepEqual(await names("let f = (a: string) { strlen(a) }; T | project f(s)"), [
    "Column1",
  ]);
  assert.deepEqual(await names("let v = 5; print v, tostring(v), strlen('a')"), [
    "print_0",
    "print_1",
    "print_2",
  ]);
});

Deno.test("functions with several results name each one after its argument", async () => {
  assert.deepEqual(
    await names("let a = dynamic([3, 1]); print array_sort_asc(a, dynamic(['x', 'y']))"),
    ["a_sorted", "array1_sorted"],
  );
  assert.deepEqual(
    await names("T | project x = array_sort_desc(y.a, y.a), series_stats(todynamic(y.a))"),
    [
      "x",
      "y_a_sorted",
      "series_stats_y_a_min",
      "series_stats_y_a_min_idx",
      "series_stats_y_a_max",
      "series_stats_y_a_max_idx",
      "series_stats_y_a_avg",
      "series_stats_y_a_stdev",
      "series_stats_y_a_variance",
    ],
  );
});

// ------------------------------------------------------------- against Kusto.Language

/** A column or literal of each type, to call functions with. */
const COLUMN: Record<string, string> = {
  int: "i",
  long: "l",
  real: "r",
  decimal: "m",
  bool: "b",
  string: "s",
  datetime: "d",
  timespan: "t",
  guid: "g",
  dynamic: "y",
};
const LITERAL: Record<string, string> = {
  int: "int(1)",
  long: "1",
  real: "1.5",
  decimal: "decimal(1.5)",
  bool: "true",
  string: '"a"',
  datetime: "datetime(2020-01-01)",
  timespan: "1d",
  guid: "guid(74be27de-1e4e-49d9-b579-fe0b331d3642)",
  dynamic: "dynamic([1])",
};
/** The same columns through a conversion that keeps their type (named like the column). */
const CONVERTED: Record<string, string> = {
  i: "toint(i)",
  l: "tolong(l)",
  r: "toreal(r)",
  m: "todecimal(m)",
  b: "tobool(b)",
  s: "tostring(s)",
  d: "todatetime(d)",
  t: "totimespan(t)",
  g: "toguid(g)",
  y: "todynamic(y)",
};

/** A type a parameter takes (Kusto.Language's parameter kinds). */
function typeFor(p: KustoParameter): string | undefined {
  const kinds = Symbols.ParameterTypeKind;
  switch (p.TypeKind) {
    case kinds.Declared:
      return items<{ Name: string }>(p.DeclaredTypes).map((t) => t.Name).find((t) => t in COLUMN);
    case kinds.Integer:
    case kinds.IntegerOrArray:
    case kinds.Number:
    case kinds.NumberOrBool:
    case kinds.Summable:
    case kinds.Orderable:
    case kinds.CommonNumber:
    case kinds.CommonSummable:
    case kinds.CommonOrderable:
    case kinds.Scalar:
    case kinds.NotRealOrBool:
    case kinds.NotDynamic:
    case kinds.NotBool:
    case kinds.CommonScalar:
    case kinds.CommonScalarOrDynamic:
    case kinds.Any:
    case kinds.Parameter0:
    case kinds.Parameter1:
    case kinds.Parameter2:
      return "long";
    case kinds.RealOrDecimal:
      return "real";
    case kinds.StringOrDynamic:
    case kinds.StringOrArray:
      return "string";
    case kinds.DynamicArray:
    case kinds.DynamicBag:
      return "dynamic";
    default:
      return undefined;
  }
}

/** A call of `f` with its required parameters, per visible signature. */
function calls(f: KustoFunction): string[] {
  const kinds = Symbols.ArgumentKind;
  const out: string[] = [];
  for (const signature of items<KustoSignature>(f.Signatures)) {
    if (signature.IsHidden) continue;
    const args: string[] = [];
    for (const p of items<KustoParameter>(signature.Parameters)) {
      if (p.IsOptional || p.MinOccurring === 0) continue;
      const type = typeFor(p);
      if (!type) break;
      const values = p.Values ? items<unknown>(p.Values) : [];
      const literal = values.length > 0 || p.ArgumentKind === kinds.Literal ||
        p.ArgumentKind === kinds.LiteralNotEmpty || p.ArgumentKind === kinds.Constant;
      const arg = values.length > 0 && type === "string"
        ? JSON.stringify(String(values.includes("day") ? "day" : values[0]))
        : literal
        ? LITERAL[type]
        : COLUMN[type];
      for (let k = 0; k < Math.max(1, p.MinOccurring); k++) args.push(arg);
    }
    out.push(`${f.Name}(${args.join(", ")})`);
  }
  return out;
}

/**
 * Names where the real engine is known to differ from Kusto.Language: the conformance
 * corpus has `summarize covariance(x, y)` named covariance_x_y (Kusto.Language says
 * covariance_x).
 */
const ENGINE_DIFFERS = new Set(["covariance", "covarianceif", "covariancep", "covariancepif"]);

Deno.test("every function with a naming rule names its column as Kusto.Language does", async () => {
  let compared = 0;
  const differences: string[] = [];
  for (
    const [list, supported, verb] of [
      [KUSTO_GLOBALS.Functions, SCALAR_FUNCTIONS, "project"],
      [KUSTO_GLOBALS.Aggregates, AGGREGATE_FUNCTIONS, "summarize"],
    ] as const
  ) {
    for (const f of items<KustoFunction>(list)) {
      const rules = verb === "project" ? SCALAR_RESULT_NAMES : AGGREGATE_RESULT_NAMES;
      if (!rules.has(f.Name) || !supported.has(f.Name) || ENGINE_DIFFERS.has(f.Name)) continue;
      for (const call of calls(f)) {
        for (
          const variant of [
            call,
            call.replace(/\b([ilrmbsdtgy])\b(?=[,)])/g, (c) => CONVERTED[c]),
          ]
        ) {
          const query = `T | ${verb} ${variant}`;
          const expected = kustoNames(query);
          if (!expected) continue;
          let actual: string[];
          try {
            actual = await names(query);
          } catch {
            continue; // arguments casefile refuses are another test's business
          }
          compared++;
          if (actual.join() !== expected.join()) {
            differences.push(`${query}: ${actual.join()} (Kusto.Language: ${expected.join()})`);
          }
        }
      }
    }
  }
  assert.deepEqual(differences, []);
  assert.ok(compared >= 150, `only ${compared} calls compared`);
});
