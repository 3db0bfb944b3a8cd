/**
 * Functions that look at where they are evaluated rather than at a value: the row's columns
 * (`column_ifexists`, `iscolumnexists`, `column_names_of`, `estimate_data_size`), the
 * query's `set` options (`bin_auto`), the record's ingestion (`ingestion_time`), and the
 * per-row `new_guid()` and `assert()`.
 *
 * @module
 */
import { pl } from "../../polars.ts";
import type { KustoType } from "../../schema/types.ts";
import type * as A from "../syntax/ast.ts";
import { parseQuery } from "../syntax/_parser.ts";
import { constant, type Typed } from "../compile/_context.ts";
import { convert } from "../compile/_conversion.ts";
import { type JsValue, kustoToString } from "../runtime/_values.ts";
import { type CallSite, defineScalar } from "./_registry.ts";
import { binExpr } from "./_core.ts";

function fail(site: CallSite, i: number, what: string, hint?: string): never {
  throw site.env.ctx.error(what, (site.call.args[i] ?? site.call).span, hint);
}

/** A constant string argument, compiled here (for functions with raw arguments). */
function constantName(site: CallSite, i: number): string {
  const arg = site.call.args[i];
  const value = site.compile(arg);
  if (value.type !== "string" || typeof value.constant?.value !== "string") {
    fail(site, i, `argument ${i + 1} of ${site.call.name}() must be a constant string`);
  }
  return value.constant.value as string;
}

/** The row as the function sees it (an error outside any table). */
function columnsOf(site: CallSite): ReadonlyMap<string, KustoType> {
  return site.env.columns ?? new Map();
}

// ---------------------------------------------------------------- columns

for (const name of ["column_ifexists", "columnifexists"]) {
  defineScalar(name, {
    minArgs: 2,
    maxArgs: 2,
    rawArgs: true,
    compile(_, site) {
      const column = constantName(site, 0);
      const fallback = site.compile(site.call.args[1]);
      const type = columnsOf(site).get(column);
      if (type === undefined) return fallback;
      // The result has the default's type (Kusto.Language: the type of parameter 2).
      const value: Typed = { expr: pl.col(column), type };
      return type === fallback.type ? value : convert(value, fallback.type, site.env);
    },
  });
}

defineScalar("iscolumnexists", {
  minArgs: 1,
  maxArgs: 1,
  rawArgs: true,
  compile: (_, site) => constant(columnsOf(site).has(constantName(site, 0)), "bool"),
});

defineScalar("column_names_of", {
  minArgs: 1,
  maxArgs: 1,
  rawArgs: true,
  compile(_, site) {
    const { env, call } = site;
    const relation = env.ctx.compiler.tabularOf(call.args[0], env.scope, env.ctx);
    return constant(relation.columns.map((c) => c.name), "dynamic");
  },
});

/** Bytes of one value as Kusto estimates them: fixed widths, text by its UTF-8 length. */
function sizeOf(value: JsValue, type: KustoType): number {
  if (value === null || value === undefined) return 0;
  switch (type) {
    case "bool":
      return 1;
    case "int":
      return 4;
    case "long":
    case "real":
    case "datetime":
    case "timespan":
      return 8;
    case "guid":
    case "decimal":
      return 16;
    case "string":
    case "dynamic":
      return new TextEncoder().encode(kustoToString(value, type)).length;
  }
}

defineScalar("estimate_data_size", {
  minArgs: 1,
  maxArgs: Infinity,
  rawArgs: true,
  compile(_, site) {
    const columns = columnsOf(site);
    const inputs: Typed[] = [];
    for (const arg of site.call.args) {
      if (arg.kind === "star") {
        for (const [name, type] of columns) inputs.push({ expr: pl.col(name), type });
      } else {
        inputs.push(site.compile(arg));
      }
    }
    const types = inputs.map((i) => i.type);
    // The row number keeps a call over constants from folding into one value for all rows.
    const row: Typed = { expr: pl.intRange(0, pl.len()), type: "long" };
    return site.env.rowwise(
      [row, ...inputs],
      "long",
      ([, ...values]) => values.reduce((sum: number, v, i) => sum + sizeOf(v, types[i]), 0),
    );
  },
});

// ---------------------------------------------------------------- ingestion_time

/** Columns that carry a record's ingestion time when a source kept it. */
const INGESTION_COLUMNS = ["$IngestionTime", "_IngestionTime", "IngestionTime"];

defineScalar("ingestion_time", {
  minArgs: 0,
  maxArgs: 0,
  compile(_, site) {
    const columns = columnsOf(site);
    const column = INGESTION_COLUMNS.find((c) => columns.get(c) === "datetime");
    // Kusto returns null where the ingestion time was not recorded (no IngestionTime policy,
    // or no table): local files record none unless they carry the column.
    return column ? { expr: pl.col(column), type: "datetime" } : constant(null, "datetime");
  },
});

// ---------------------------------------------------------------- new_guid, assert

defineScalar("new_guid", {
  minArgs: 0,
  maxArgs: 0,
  compile(_, site) {
    const row: Typed = { expr: pl.intRange(0, pl.len()), type: "long" };
    return site.env.rowwise([row], "guid", () => crypto.randomUUID());
  },
});

defineScalar("assert", {
  minArgs: 2,
  maxArgs: 2,
  compile(args, site) {
    const [condition, message] = args;
    if (condition.type !== "bool") {
      fail(site, 0, `argument 1 of assert() must be a bool, not ${condition.type}`);
    }
    if (!message.constant || message.type !== "string") {
      fail(site, 1, "the message of assert() must be a constant string");
    }
    // Kusto checks the assertion while it compiles the query (a constant is required).
    if (!condition.constant) {
      fail(site, 0, "the condition of assert() must be a constant", "Kusto requires one.");
    }
    if (condition.constant.value !== true) {
      throw site.env.ctx.error(
        `assert() failed: ${message.constant.value}`,
        site.call.span,
        "The query asserted a condition that does not hold for the values it was given.",
      );
    }
    return constant(true, "bool");
  },
});

// ---------------------------------------------------------------- bin_auto

/** The expression a `set name = value;` statement of the query gives, if any. */
function setOption(query: string, name: string): A.Expression | undefined {
  const m = new RegExp(`(?:^|;)\\s*set\\s+${name}\\s*=\\s*([^;]+);`, "i").exec(query);
  if (!m) return undefined;
  const parsed = parseQuery(`print ${m[1]}`);
  const statement = parsed.statements.at(-1);
  if (statement?.kind !== "expression" || statement.expression.kind !== "print") return undefined;
  return statement.expression.columns[0]?.expression;
}

defineScalar("bin_auto", {
  minArgs: 1,
  maxArgs: 1,
  compile([value], site) {
    const query = site.env.ctx.query;
    const size = setOption(query, "query_bin_auto_size");
    if (!size) {
      fail(
        site,
        0,
        "bin_auto() needs the bin size from the query option query_bin_auto_size",
        "Start the query with: set query_bin_auto_size = 1h;",
      );
    }
    const at = setOption(query, "query_bin_auto_at");
    return binExpr(value, site.compile(size), site, at ? site.compile(at) : undefined);
  },
});
