/**
 * Date and time functions where `deno task mutate src/kql/functions/_datetime.ts` found bugs the
 * other tests let through (issue 23). Expected values by hand from the documentation:
 * make_timespan's seconds run from 0 to 59.9999999 (Kusto's make_timespan() page); the custom
 * format specifiers `MMM`/`MMMM` and `ddd`/`dddd` are the abbreviated and full month and day
 * names (.NET custom date and time formats, which format_datetime follows); 2026-04-07 is a
 * Tuesday; format_timespan() takes a timespan and a format (two arguments).
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError } from "../../src/kql/mod.ts";

async function one(query: string): Promise<unknown[]> {
  const { frame } = await executeKql(query);
  return Object.values(frame.toRecords()[0]);
}

Deno.test("mutation/datetime: make_timespan() refuses a 60th second, takes 59.5", async () => {
  assert.deepEqual(await one("print make_timespan(0, 0, 60)"), [null]);
  assert.deepEqual(await one("print make_timespan(1, 0, 0, 60)"), [null]);
  // 1 h 2 min 59.5 s = 3779.5 s; through a column too (not folded as a constant).
  assert.deepEqual(await one("print tostring(make_timespan(1, 2, 59.5))"), ["01:02:59.5000000"]);
  assert.deepEqual(
    await one(
      "datatable(s: real) [59.5, 60.0] | summarize make_list(tostring(make_timespan(0, 0, s)))",
    ),
    ['["00:00:59.5000000",""]'],
  );
});

Deno.test("mutation/datetime: format_datetime() month and day names, short and full", async () => {
  const at = "datetime(2026-04-07 09:21:44)";
  assert.deepEqual(
    await one(
      `print format_datetime(${at}, "MMM"), format_datetime(${at}, "MMMM"), ` +
        `format_datetime(${at}, "ddd"), format_datetime(${at}, "dddd"), format_datetime(${at}, "dd")`,
    ),
    ["Apr", "April", "Tue", "Tuesday", "07"],
  );
  assert.deepEqual(
    await one(
      `datatable(t: datetime) [${at}] | project format_datetime(t, "dddd, d MMMM yyyy")`,
    ),
    ["Tuesday, 7 April 2026"],
  );
  // With a fraction specifier Polars cannot write (F), the names come from casefile's own
  // formatter: the same names.
  const half = "datetime(2026-04-07 09:21:44.5)";
  assert.deepEqual(
    await one(
      `datatable(t: datetime) [${half}] | project format_datetime(t, "dddd d MMMM yyyy ss.F"), ` +
        `format_datetime(t, "ddd MMM F")`,
    ),
    ["Tuesday 7 April 2026 44.5", "Tue Apr 5"],
  );
});

Deno.test("mutation/datetime: format_timespan() without its format is a KQL error", async () => {
  await assert.rejects(
    () => executeKql("print format_timespan(1h)"),
    (error: unknown) => error instanceof KqlSemanticError && /format_timespan/.test(error.message),
  );
});
