/**
 * Queries real hunting rules write that the engine used to get wrong or crash on: empty
 * inputs through every operator (types kept, no raw Polars error), Kusto's literal forms
 * (booleans in any documented case, RE2's octal escapes, spaced datetimes, timespans in
 * dynamic arrays, a tick), `table(name)` with a function's parameter, `union isfuzzy`
 * forgiving only missing tables; and the net under the engine: an error that is not a
 * casefile error becomes one, located at the operator at fault.
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError } from "../../src/kql/mod.ts";
import { CasefileError } from "../../src/errors.ts";
import { pl, variantOf } from "../../src/polars.ts";
import { polarsTypeOf, type TableSchema } from "../../src/schema/types.ts";
import { operatorFailure } from "../../src/kql/compile/_failures.ts";
import { Context } from "../../src/kql/compile/_context.ts";
import type * as A from "../../src/kql/syntax/ast.ts";

const NOW = new Date("2026-01-01T00:00:00Z");

async function rows(query: string, options: Parameters<typeof executeKql>[1] = {}) {
  const result = await executeKql(query, { now: NOW, ...options });
  return result.frame.toRecords();
}

// ---------------------------------------------------------------- empty inputs

const EMPTY =
  "datatable(TimeGenerated: datetime, Account: string, Computer: string, EventID: int, " +
  "Bytes: long, Score: real, Took: timespan, Ok: bool, Props: dynamic, Id: guid)[]";

const PIPES = [
  `where Account has "x"`,
  `project Account, Bytes`,
  `extend n = strlen(Account), d = Props.a, t = todatetime(Props.t)`,
  `project-away Props`,
  `project-keep Acc*`,
  `project-rename A = Account`,
  `project-reorder Bytes`,
  `summarize count() by Account`,
  `summarize arg_max(TimeGenerated, *) by Account`,
  `summarize arg_max(TimeGenerated, *)`,
  `summarize arg_min(TimeGenerated, Computer, Props) by Account`,
  `summarize take_any(*) by Account`,
  `summarize take_any(*)`,
  `summarize min(TimeGenerated), max(TimeGenerated), sum(Bytes), avg(Score), dcount(Account), ` +
  `make_set(Computer), make_list(Props), make_bag(Props) by Computer`,
  `summarize min(Account), max(Account), stdev(Score), variance(Bytes), percentile(Bytes, 50), ` +
  `countif(Ok), sumif(Bytes, Ok), any(Account), minif(Bytes, Ok), maxif(Account, Ok)`,
  `summarize percentiles(Score, 5, 95), percentile(TimeGenerated, 50) by Computer`,
  `summarize percentiles(Score, 5, 95), percentile(TimeGenerated, 50), percentile(Took, 90)`,
  `summarize percentiles(Bytes, 50, 90), make_set_if(Account, Ok), avgif(Score, Ok), ` +
  `dcountif(Account, Ok), count_distinct(Account) by bin(TimeGenerated, 1h)`,
  `summarize StartTime = min(TimeGenerated), EndTime = max(TimeGenerated), Took = sum(Took), ` +
  `Total = max(Bytes) + 1 by Account, Computer`,
  `sort by TimeGenerated desc`,
  `top 5 by Bytes`,
  `take 3`,
  `distinct Account`,
  `distinct *`,
  `count`,
  ...["inner", "leftouter", "rightouter", "fullouter", "leftanti", "leftsemi", "rightanti"]
    .map((kind) => `join kind=${kind} (${EMPTY}) on Account`),
  `join kind=innerunique (${EMPTY}) on $left.Account == $right.Computer`,
  `join kind=fullouter (datatable(Account: string, Extra: long)["a", 1]) on Account`,
  `lookup (datatable(Account: string, Extra: long)["a", 1]) on Account`,
  `union (datatable(Other: string)["x"])`,
  `mv-expand Props`,
  `mv-expand Props to typeof(string)`,
  `mv-apply p = Props on (summarize c = count())`,
  `parse Account with a "@" b`,
  `parse-where Account with a "@" b`,
  `make-series c = count() default = 0 on TimeGenerated from datetime(2020-01-01) ` +
  `to datetime(2020-01-02) step 1h by Account`,
  `evaluate bag_unpack(Props)`,
  `evaluate pivot(Account)`,
  `evaluate pivot(Account, sum(Bytes), Computer)`,
  `evaluate narrow()`,
  `evaluate rows_near(Ok, 1)`,
  `evaluate basket()`,
  `evaluate autocluster()`,
  `evaluate diffpatterns(Ok, "true", "false")`,
  `evaluate activity_counts_metrics(Account, TimeGenerated, datetime(2020-01-01), ` +
  `datetime(2020-01-09), 1d)`,
  `evaluate activity_metrics(Account, TimeGenerated, datetime(2020-01-01), datetime(2020-01-09), 1d)`,
  `evaluate new_activity_metrics(Account, TimeGenerated, datetime(2020-01-01), ` +
  `datetime(2020-01-09), 1d)`,
  `evaluate activity_engagement(Account, TimeGenerated, 1d, 7d)`,
  `evaluate active_users_count(Account, TimeGenerated, datetime(2020-01-01), ` +
  `datetime(2020-01-09), 8d, 1d, 3, 7d)`,
  `evaluate session_count(Account, TimeGenerated, datetime(2020-01-01), datetime(2020-01-09), ` +
  `1d, 2d)`,
  `evaluate sliding_window_counts(Account, TimeGenerated, datetime(2020-01-01), ` +
  `datetime(2020-01-09), 3d, 1d, Computer)`,
  `evaluate funnel_sequence(Account, TimeGenerated, datetime(2020-01-01), datetime(2020-01-09), ` +
  `1d, 1d, Computer, dynamic(["a"]))`,
  `evaluate funnel_sequence_completion(Account, TimeGenerated, datetime(2020-01-01), ` +
  `datetime(2020-01-09), 1d, Computer, dynamic(["a", "b"]), dynamic([1h]))`,
  `evaluate rolling_percentile(Bytes, 50, TimeGenerated, 1d, 3, Computer)`,
  `evaluate preview(5)`,
  `getschema | evaluate schema_merge()`,
  `summarize h = hll(Account), g = hll(Computer) | evaluate dcount_intersect(h, g)`,
  `evaluate ipv4_lookup(datatable(n: string, c: string)["10.0.0.0/8", "x"], Account, n)`,
  `evaluate ipv6_lookup(datatable(n: string, c: string)["::1/128", "x"], Account, n, true)`,
  `evaluate geo_polygon_lookup(datatable(n: string, p: dynamic)[], p, Score, Score)`,
  `evaluate geo_line_lookup(datatable(n: string, p: dynamic)[], p, Score, Score, 100, true)`,
  `evaluate sequence_detect(TimeGenerated, 1h, 1d, a = Ok, b = not(Ok), Computer)`,
  `getschema`,
  `serialize rn = row_number()`,
  `serialize | extend p = prev(Account), n = next(Bytes)`,
  `as X | join (X) on Account`,
  `extend x = iff(Ok, Account, "")`,
  `extend x = coalesce(Account, Computer)`,
  `extend x = split(Account, "@")[0]`,
  `extend x = extract("(a)", 1, Account)`,
  `extend x = bag_keys(Props)`,
  `summarize make_list(Account) by Computer | mv-expand list_Account`,
  `summarize c = count() by Account | top 10 by c`,
];

/** A predicate over every column of a result, by its Kusto type. */
function predicates(columns: readonly { name: string; type: string }[]): string {
  return columns.filter((c) => /^[A-Za-z_]\w*$/.test(c.name)).map((c) => {
    switch (c.type) {
      case "string":
        return `${c.name} has "x"`;
      case "long":
      case "int":
      case "real":
        return `${c.name} > 1`;
      case "datetime":
        return `${c.name} > datetime(2020-01-01)`;
      case "timespan":
        return `${c.name} > 1h`;
      case "bool":
        return `${c.name} == true`;
      default:
        return `isnotempty(tostring(${c.name}))`;
    }
  }).join(" or ") || "true";
}

Deno.test("empty inputs keep their column types through every operator, and never crash", async () => {
  const problems: string[] = [];
  for (const pipe of PIPES) {
    const query = `${EMPTY} | ${pipe}`;
    try {
      const result = await executeKql(query, { now: NOW });
      for (const c of result.schema.columns) {
        const dtype = result.frame.getColumn(c.name).dtype;
        if (variantOf(dtype) !== variantOf(polarsTypeOf(c.type))) {
          problems.push(`${pipe}: ${c.name} is ${c.type} but ${dtype}`);
        }
      }
      // The next operator works on the columns as their types promise.
      await executeKql(`${query} | where ${predicates(result.schema.columns)}`, { now: NOW });
    } catch (error) {
      // A casefile error is fine (an operator the engine refuses); one the net caught is a
      // crash all the same.
      if (!(error instanceof CasefileError) || /failed in the local engine/.test(error.message)) {
        problems.push(`${pipe}: ${error}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

Deno.test("arg_max(*) over an empty table, then a string predicate, runs", async () => {
  // The crash of the hunting queries: "invalid series dtype: expected String, got null".
  assert.deepEqual(
    await rows(
      `${EMPTY} | summarize arg_max(TimeGenerated, *) by Computer | where Account has "x"`,
    ),
    [],
  );
  // Without keys, one row of nulls (Kusto's empty-input summarize); strings are "".
  const [row] = await rows(`${EMPTY} | summarize arg_max(TimeGenerated, Account, Bytes)`);
  assert.deepEqual(row, { TimeGenerated: null, Account: "", Bytes: null });
});

Deno.test("a provider's empty table keeps the types of its schema", async () => {
  // An empty file reads as columns of nulls (Float64 here); the schema says what they are.
  const tables = { SigninLogs: pl.DataFrame({ TimeGenerated: [], UserPrincipalName: [] }) };
  const schemas: Record<string, TableSchema> = {
    SigninLogs: {
      name: "SigninLogs",
      columns: [
        { name: "TimeGenerated", type: "datetime" },
        { name: "UserPrincipalName", type: "string" },
      ],
    },
  };
  assert.deepEqual(
    await rows(
      `SigninLogs | where TimeGenerated > ago(1d) | where UserPrincipalName has "admin"
       | summarize arg_max(TimeGenerated, *) by UserPrincipalName`,
      { tables, schemas },
    ),
    [],
  );
});

// ---------------------------------------------------------------- the net

Deno.test("an engine failure while running is a KqlSemanticError at the operator at fault", async () => {
  // A schema that promises datetimes over text: Polars fails when the plan runs.
  const tables = { T: pl.DataFrame({ t: ["x", "y"], n: [1, 2] }) };
  const schemas: Record<string, TableSchema> = {
    T: { name: "T", columns: [{ name: "t", type: "datetime" }, { name: "n", type: "long" }] },
  };
  const query = "T\n| where n > 0\n| where t > ago(1d)\n| project n";
  await assert.rejects(() => executeKql(query, { tables, schemas, now: NOW }), (e: unknown) => {
    assert.ok(e instanceof KqlSemanticError, String(e));
    assert.match(e.message, /the operator 'where' failed in the local engine/);
    assert.equal(e.line, 3);
    assert.equal(e.column, 3);
    assert.ok(e.cause instanceof Error && !(e.cause instanceof CasefileError));
    assert.match(e.hint ?? "", /local engine/);
    return true;
  });
});

Deno.test("an error that is not a casefile error becomes one; casefile errors pass through", () => {
  const query = "T | evaluate autocluster()";
  const ctx = new Context(query, new Map(), NOW);
  const op = {
    kind: "evaluate",
    plugin: { kind: "call", name: "autocluster", args: [], span: { start: 13, end: 26 } },
    span: { start: 4, end: 26 },
  } as A.EvaluateOperator;
  const raw = new TypeError("Cannot read properties of undefined");
  const wrapped = operatorFailure(raw, op, ctx);
  assert.ok(wrapped instanceof KqlSemanticError);
  assert.match(wrapped.message, /'evaluate autocluster' failed.*Cannot read properties/);
  assert.equal(wrapped.cause, raw);
  const mine = ctx.error("Unknown column 'x'", op.span);
  assert.equal(operatorFailure(mine, op, ctx), mine);
});

// ---------------------------------------------------------------- literals

Deno.test("booleans are true/false in lower, capitalised or upper case, as Kusto reads them", async () => {
  assert.deepEqual(await rows(`print a = True, b = FALSE, c = TRUE, d = False, e = true`), [
    { a: true, b: false, c: true, d: false, e: true },
  ]);
  assert.deepEqual(await rows(`datatable(b: bool) [true, False, TRUE] | where b == True`), [
    { b: true },
    { b: true },
  ]);
  assert.deepEqual(await rows(`print d = dynamic([True, FALSE])`), [{ d: "[true,false]" }]);
  // Mixed case is a name, not a boolean (Kusto.Language: "The name 'tRUE' does not refer...").
  await assert.rejects(() => rows(`print x = tRUE`), KqlSemanticError);
});

Deno.test("RE2's octal escapes: \\0 is NUL, \\056 is '.', a lone \\1 is refused", async () => {
  assert.deepEqual(
    await rows(String.raw`datatable(s: string) ["a\0b.c"]
      | project r = replace_regex(s, @"\0", "x"), d = replace_regex(s, @"\056", "!"),
                m = s matches regex @"[\0]", n = countof(s, @"\0", "regex")`),
    [{ r: "axb.c", d: "a\u0000b!c", m: true, n: 1 }],
  );
  // \0 in a replacement is the whole match (RE2's rewrite).
  assert.deepEqual(
    await rows(
      String.raw`datatable(s: string) ["abc123"] | project r = replace_regex(s, @"\d+", @"<\0>")`,
    ),
    [{ r: "abc<123>" }],
  );
  await assert.rejects(
    () => rows(String.raw`datatable(s: string) ["a1"] | project replace_regex(s, @"(a)\1", "x")`),
    KqlSemanticError,
  );
});

Deno.test("datetime with spaced separators, timespans in dynamic arrays, and a tick", async () => {
  assert.deepEqual(await rows(`print d = datetime(2017 - 08 - 01) == datetime(2017-08-01)`), [
    { d: true },
  ]);
  assert.deepEqual(await rows(`print p = dynamic([1h, 4h, 1d, 10ms])`), [
    { p: '["01:00:00","04:00:00","1.00:00:00","00:00:00.0100000"]' },
  ]);
  // A tick is 100 ns: `End - 1tick` is before End.
  assert.deepEqual(
    await rows(`print before = datetime(2019-11-07) - 1tick < datetime(2019-11-07)`),
    [{ before: true }],
  );
});

// ---------------------------------------------------------------- table() and union isfuzzy

const SIGNINS = {
  SigninLogs: pl.DataFrame({ UserPrincipalName: ["a", "b"], ResultType: ["0", "50126"] }),
  AADNonInteractiveUserSignInLogs: pl.DataFrame({ UserPrincipalName: ["c"], ResultType: ["0"] }),
};

Deno.test("table(name) takes a function's parameter, as Entra ID rules write it", async () => {
  const query = `
    let aadFunc = (tableName: string) {
      table(tableName)
      | where ResultType == "0"
      | extend Type = tableName
    };
    let aadSignin = aadFunc("SigninLogs");
    let aadNonInt = aadFunc("AADNonInteractiveUserSignInLogs");
    union isfuzzy=true aadSignin, aadNonInt
    | project UserPrincipalName, Type`;
  assert.deepEqual(await rows(query, { tables: SIGNINS }), [
    { UserPrincipalName: "a", Type: "SigninLogs" },
    { UserPrincipalName: "c", Type: "AADNonInteractiveUserSignInLogs" },
  ]);
});

Deno.test("union isfuzzy=true leaves out missing tables, not a leg's own error", async () => {
  assert.deepEqual(
    await rows(`union isfuzzy=true NoSuchTable, (SigninLogs | where ResultType != "0") | count`, {
      tables: SIGNINS,
    }),
    [{ Count: 1 }],
  );
  // Kusto's fuzzy resolution is about which tables exist; a wrong column is still an error.
  await assert.rejects(
    () =>
      rows(`union isfuzzy=true (SigninLogs | where NoSuchColumn == 1), NoSuchTable`, {
        tables: SIGNINS,
      }),
    (e: unknown) => e instanceof KqlSemanticError && /NoSuchColumn/.test(e.message),
  );
  await assert.rejects(
    () => rows(`union isfuzzy=true NoSuchTable, OtherMissing`, { tables: SIGNINS }),
    KqlSemanticError,
  );
});
