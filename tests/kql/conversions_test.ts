/**
 * Kusto's type rules where values of different types meet: comparisons (`==`, `!=`, `in`,
 * `<`...), arithmetic and the result types. Each query is also bound by Kusto.Language (the
 * official binder): where it accepts a query, casefile runs it with the same result
 * columns and types; where it reports an error, casefile refuses it too. The rows are
 * worked out by hand from the data.
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError } from "../../src/kql/mod.ts";
import { bindKql } from "./_kusto_binder.ts";

/** Sign-ins as Sentinel types them: ResultType is text, EventID a number. */
const EVENTS = `let Events = datatable(ResultType: string, EventID: int, LogonType: int,
  CreatedOnLocalMachine: bool, TimeGenerated: datetime, Score: real) [
  "0", 4624, 5, false, datetime(2026-03-15T08:00:00Z), 1.5,
  "50126", 4625, 3, true, datetime(2026-03-16T09:00:00Z), 2.0,
  "", 4625, 10, bool(null), datetime(2026-03-17T10:00:00Z), real(null)];
`;

/**
 * Runs `query` (after the Events table) in casefile and in Kusto.Language's binder: the
 * binder must accept it with the same result columns; returns casefile's rows.
 */
async function agree(query: string): Promise<Record<string, unknown>[]> {
  const text = EVENTS + query;
  const bound = bindKql(text);
  assert.deepEqual(bound.errors, [], `Kusto.Language rejects: ${query}`);
  const result = await executeKql(text);
  assert.deepEqual(
    result.schema.columns.map((c) => `${c.name}:${c.type}`),
    bound.columns.map((c) => `${c.name}:${c.type}`),
    `columns of ${query}`,
  );
  return result.frame.toRecords();
}

/** The EventID column of the rows `predicate` keeps, in order. */
async function kept(predicate: string): Promise<unknown[]> {
  return (await agree(`Events | where ${predicate} | project EventID, LogonType`))
    .map((r) => `${r.EventID}/${r.LogonType}`);
}

/** Kusto.Language reports an error for `query`, and casefile refuses it with a hint. */
async function bothRefuse(query: string, message: RegExp): Promise<void> {
  const text = EVENTS + query;
  assert.notDeepEqual(bindKql(text).errors, [], `Kusto.Language accepts: ${query}`);
  await assert.rejects(() => executeKql(text), (e: unknown) => {
    assert.ok(e instanceof KqlSemanticError, String(e));
    assert.match(e.message, message);
    assert.ok(e.hint, "a hint");
    return true;
  });
}

Deno.test("a text column compared with a number compares text (ResultType == 0)", async () => {
  assert.deepEqual(await kept("ResultType == 0"), ["4624/5"]);
  assert.deepEqual(await kept("0 == ResultType"), ["4624/5"]);
  // The empty ResultType is not 0: != keeps it.
  assert.deepEqual(await kept("ResultType != 0"), ["4625/3", "4625/10"]);
  assert.deepEqual(await kept("ResultType in (0, 50126)"), ["4624/5", "4625/3"]);
  assert.deepEqual(await kept("ResultType !in (50126)"), ["4624/5", "4625/10"]);
});

Deno.test("a number column compared with text reads the text as a number", async () => {
  assert.deepEqual(await kept('EventID == "4625"'), ["4625/3", "4625/10"]);
  assert.deepEqual(await kept('LogonType == "5"'), ["4624/5"]);
  assert.deepEqual(await kept('"10" == LogonType'), ["4625/10"]);
  assert.deepEqual(await kept('EventID in ("4624", "4648")'), ["4624/5"]);
  assert.deepEqual(await kept('Score == "1.5"'), ["4624/5"]);
  // Two columns of different types: the number is written as text.
  assert.deepEqual(await kept("tostring(LogonType) == LogonType"), [
    "4624/5",
    "4625/3",
    "4625/10",
  ]);
});

Deno.test("a bool compared with a number is 0 or 1; with text, read as a bool", async () => {
  assert.deepEqual(await kept("CreatedOnLocalMachine == 0"), ["4624/5"]);
  assert.deepEqual(await kept("CreatedOnLocalMachine == 1"), ["4625/3"]);
  assert.deepEqual(await kept("CreatedOnLocalMachine > 0"), ["4625/3"]);
  assert.deepEqual(await kept('CreatedOnLocalMachine == "true"'), ["4625/3"]);
  assert.deepEqual(await kept('CreatedOnLocalMachine == "False"'), ["4624/5"]);
});

Deno.test("text compared with a timespan or a datetime is read as one", async () => {
  // 2026-03-15 is a Sunday (day 0), 2026-03-16 a Monday.
  assert.deepEqual(await kept('dayofweek(TimeGenerated) == "1.00:00:00"'), ["4625/3"]);
  assert.deepEqual(await kept('dayofweek(TimeGenerated) != "1.00:00:00"'), ["4624/5", "4625/10"]);
  assert.deepEqual(await kept('TimeGenerated == "2026-03-16T09:00:00Z"'), ["4625/3"]);
  assert.deepEqual(await kept('TimeGenerated in ("2026-03-15 08:00:00")'), ["4624/5"]);
});

Deno.test("constants of different types fold the same way", async () => {
  assert.deepEqual(await agree('print a = 1 == "1", b = "a" == 1, c = true == 1, d = false < 1'), [
    { a: true, b: false, c: true, d: true },
  ]);
});

Deno.test("a Sentinel rule comparing ResultType with numbers runs", async () => {
  // The shape of the legacy-authentication and MFA-rejected rules.
  const rows = await agree(`Events
    | where ResultType == 0 or ResultType == 50126
    | where EventID in ("4624", "4625") and CreatedOnLocalMachine == 0
    | summarize Failures = countif(ResultType != 0), Total = count() by LogonType`);
  assert.deepEqual(rows, [{ LogonType: 5, Failures: 0, Total: 1 }]);
});

Deno.test("arithmetic with a dynamic value takes the other side's type", async () => {
  assert.deepEqual(
    await agree(`print n = parse_json('{"n": 2}').n + toint(40), r = dynamic(1.5) * 2.0,
      t = datetime(2026-03-16) - parse_json('"2026-03-15T00:00:00Z"'),
      d = datetime(2026-03-16) + dynamic("01:00:00")`),
    [{
      n: 42,
      r: 3,
      t: 86_400_000_000, // a day, in microseconds
      d: new Date("2026-03-16T01:00:00Z"),
    }],
  );
});

Deno.test("decimal arithmetic stays decimal; int with int is long", async () => {
  assert.deepEqual(
    await agree(`print a = decimal(1.5) + 1, b = 2.0 * decimal(1.25), c = toint(7) / toint(2)`),
    [{ a: 2.5, b: 2.5, c: 3 }],
  );
});

Deno.test("comparisons Kusto rejects stay errors, with a hint", async () => {
  await bothRefuse("Events | where ResultType > 0", /cannot compare string with long using '>'/);
  await bothRefuse('Events | where EventID > "4"', /cannot compare int with string using '>'/);
  await bothRefuse("Events | where TimeGenerated > 0", /cannot compare datetime with long/);
  await bothRefuse('Events | extend x = EventID + "1"', /'\+' cannot be applied to int and string/);
  await bothRefuse("print x = dynamic(1) + true", /'\+' cannot be applied to dynamic and bool/);
});

Deno.test("equality of types with no common reading is refused, not guessed", async () => {
  // Kusto.Language accepts == between any two scalars, but Kusto documents no conversion
  // between numbers and timespans; casefile refuses rather than guess.
  await assert.rejects(
    () => executeKql(EVENTS + "Events | where EventID == 1d"),
    (e: unknown) => {
      assert.ok(e instanceof KqlSemanticError);
      assert.match(e.message, /cannot compare int with timespan using '=='/);
      assert.match(e.hint ?? "", /totimespan|toint/);
      return true;
    },
  );
});
