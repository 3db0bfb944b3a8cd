/**
 * The column operators (src/kql/compile/operators/_columns.ts): project, extend with several
 * outputs, project-away/keep with wildcards, project-rename, project-reorder and getschema.
 * Expected values are the Kusto docs' (series_fit_line's example: RSquare 0.982, Slope 2.730,
 * Variance 98.628, RVariance 1.686, Interception -1.666; unnamed expressions are Column1,
 * Column2...; `project-reorder * asc` sorts the names; getschema's DataType is the .NET type)
 * or written by hand. Found by `deno task mutate src/kql/compile/operators/_columns.ts`
 * (issue 23).
 */
import assert from "node:assert/strict";
import { executeKql } from "../../src/kql/mod.ts";
import { runCasefile } from "../_helpers.ts";
import { failure, NOW } from "./_records.ts";

async function run(query: string): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
  const result = await executeKql(query, { tables: {}, now: NOW });
  return { columns: result.frame.columns, rows: result.frame.toRecords() };
}

Deno.test("mutation/columns: unnamed expressions are Column1, Column2; extend replaces in place", async () => {
  const a = await run("print a = 1 | extend 1 + 2, 3 * 4");
  assert.deepEqual(a.columns, ["a", "Column1", "Column2"]);
  assert.deepEqual(a.rows, [{ a: 1, Column1: 3, Column2: 12 }]);
  const b = await run("print b = 1, a = 2 | extend b = b * 10");
  assert.deepEqual(b.columns, ["b", "a"]);
  assert.deepEqual(b.rows, [{ b: 10, a: 2 }]);
  const c = await run("print b = 1, a = 2 | project a");
  assert.deepEqual(c.columns, ["a"]);
});

Deno.test("mutation/columns: (names) = series_fit_line(y) fills each name, the docs' values", async () => {
  const { rows } = await run(
    `print y = dynamic([2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30])
     | extend (RSquare, Slope, Variance, RVariance, Interception, LineFit) = series_fit_line(y)`,
  );
  const r = rows[0];
  const near = (v: unknown, expected: number) =>
    assert.ok(Math.abs((v as number) - expected) < 0.001, `${v} is not ${expected}`);
  near(r.RSquare, 0.982);
  near(r.Slope, 2.730);
  near(r.Variance, 98.628);
  near(r.RVariance, 1.686);
  near(r.Interception, -1.666);
  assert.equal(JSON.parse(r.LineFit as string).length, 12);
});

Deno.test("mutation/columns: an unnamed function with several outputs names each one", async () => {
  const { columns } = await run("print y = dynamic([1, 2, 3]) | extend series_fit_line(y)");
  assert.deepEqual(columns, [
    "y",
    "series_fit_line_y_rsquare",
    "series_fit_line_y_slope",
    "series_fit_line_y_variance",
    "series_fit_line_y_rvariance",
    "series_fit_line_y_interception",
    "series_fit_line_y_line_fit",
  ]);
});

Deno.test("mutation/columns: several names for one value, or more names than outputs, are errors", async () => {
  const one = await failure("print a = 1 | extend (x, y) = 1");
  assert.match(one.message, /cannot assign one value to 2 names/);
  const seven = await failure(
    "print y = dynamic([1, 2, 3]) | extend (a, b, c, d, e, f, g) = series_fit_line(y)",
  );
  assert.match(seven.message, /the function gives 6 values for 7 names/);
});

Deno.test("mutation/columns: project-away wildcards treat '.' literally; unknown names listed", async () => {
  const away = await run("print ['a.1'] = 1, ab1 = 2, c = 3 | project-away ['a.*']");
  assert.deepEqual(away.columns, ["ab1", "c"]);
  const keep = await run("print ['a.1'] = 1, ab1 = 2, c = 3 | project-keep a*");
  assert.deepEqual(keep.columns, ["a.1", "ab1"]);
  const unknown = await failure("print a = 1, b = 2 | project-away z");
  assert.match(unknown.message, /Unknown column 'z'/);
  assert.equal(unknown.hint, "Columns here: a, b");
});

Deno.test("mutation/columns: project-rename and project-reorder (asc, desc, unknown)", async () => {
  const renamed = await run("print b = 1, a = 2 | project-rename c = b");
  assert.deepEqual(renamed.columns, ["c", "a"]);
  assert.deepEqual(renamed.rows, [{ c: 1, a: 2 }]);
  const q = "print b = 1, a = 2, c = 3 | project-reorder";
  assert.deepEqual((await run(`${q} c`)).columns, ["c", "b", "a"]);
  assert.deepEqual((await run(`${q} * asc`)).columns, ["a", "b", "c"]);
  assert.deepEqual((await run(`${q} * desc`)).columns, ["c", "b", "a"]);
  const unknown = await failure("print b = 1, a = 2 | project-reorder nope");
  assert.match(unknown.message, /Unknown column 'nope'/);
});

Deno.test("mutation/columns: getschema lists names, ordinals and types, and can be filtered", async () => {
  const { rows } = await run('print b = 1, a = "x" | getschema');
  assert.deepEqual(rows, [
    { ColumnName: "b", ColumnOrdinal: 0, DataType: "System.Int64", ColumnType: "long" },
    { ColumnName: "a", ColumnOrdinal: 1, DataType: "System.String", ColumnType: "string" },
  ]);
  const text = await run(
    'print b = 1, a = "x" | getschema | where ColumnType == "string" | extend n = strlen(ColumnName)',
  );
  assert.deepEqual(text.rows.map((r) => [r.ColumnName, r.n]), [["a", 1]]);
  // getschema's own schema (docs): ColumnName string, ColumnOrdinal int, DataType and
  // ColumnType string.
  const own = await run("print a = 1 | getschema | getschema | project ColumnName, ColumnType");
  assert.deepEqual(own.rows.map((r) => [r.ColumnName, r.ColumnType]), [
    ["ColumnName", "string"],
    ["ColumnOrdinal", "int"],
    ["DataType", "string"],
    ["ColumnType", "string"],
  ]);
});

Deno.test("mutation/columns: wildcards keep input order unless asc/desc; hints list 15 names", async () => {
  const kept = await run("print cb = 1, ca = 2, x = 3 | project-reorder c*");
  assert.deepEqual(kept.columns, ["cb", "ca", "x"]);
  const names = Array.from({ length: 16 }, (_, i) => `c${i + 1}=1`).join(", ");
  const unknown = await failure(`print ${names} | project-away zz`);
  assert.equal(
    unknown.hint,
    "Columns here: " + Array.from({ length: 15 }, (_, i) => `c${i + 1}`).join(", "),
  );
  // Kusto.Language refuses one name declared twice in one extend.
  const twice = await failure("print a = 1 | extend b = 1, b = 2");
  assert.match(twice.message, /'b' is declared twice/);
});

Deno.test("mutation/columns: casefile query prints the reordered, renamed columns", async () => {
  const result = await runCasefile([
    "query",
    "print b = 1, a = 2, c = 3 | project-rename z = c | project-reorder * asc | extend 5",
    "--format",
    "csv",
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.stdout.trim().split("\n"), ["a,b,z,Column1", "2,1,3,5"]);
});
