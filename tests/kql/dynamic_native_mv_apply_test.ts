/**
 * `mv-apply` over arrays of strings runs natively (issue 22): the source rows are numbered,
 * the arrays exploded by Polars, the subquery (`where`, `summarize`, `top`, `take`, `extend`)
 * applied per source row in the plan and the row's other columns joined back, with no
 * JavaScript barrier. Expected values are hand-computed from the Kusto docs ("mv-apply
 * operator": the subquery runs on each record's expansion, its results in the records'
 * order, the record's other columns in front; a record whose subquery returns no rows is
 * dropped), and equal the JavaScript path's (native reading off).
 */
import assert from "node:assert/strict";
import { compiled, rows } from "./_dynamic_native.ts";
import { runCasefile } from "../_helpers.ts";

// Id 1..5: two elements, no array, an empty array, three elements, one element.
const ARRAYS = [`["a b","c"]`, null, `[]`, `["b","b c","dd"]`, `["x"]`];

const plan = (texts: (string | null)[], query: string): string =>
  compiled(texts, query).describePlan();

/** Rows of `query` natively, checked equal to the JavaScript path's. */
async function both(texts: (string | null)[], query: string): Promise<Record<string, unknown>[]> {
  const native = await rows(texts, query);
  assert.deepStrictEqual(native, await rows(texts, query, false), "native vs JavaScript");
  return native;
}

Deno.test("mv-apply where on the item: each record's matching elements, in order", async () => {
  const query = `E | mv-apply w = F to typeof(string) on (where w has "b") | project Id, w`;
  assert.deepStrictEqual(await both(ARRAYS, query), [
    { Id: 1, w: "a b" },
    { Id: 4, w: "b" },
    { Id: 4, w: "b c" },
  ]);
  const described = plan(ARRAYS, query);
  assert.match(described, /EXPLODE/);
  assert.doesNotMatch(described, /__js/);
});

Deno.test("mv-apply summarize per record: the record's columns in front, empty records dropped", async () => {
  // split() makes a native list: rows 1 "p q r" -> [p, q, r], 2 "p" -> [p], 3 "" -> [""].
  const query = `E | extend S = case(Id == 1, "p q r", Id == 2, "p", "")
    | where Id <= 3
    | extend Words = split(S, " ")
    | mv-apply w = Words to typeof(string) on
        (where w != "" | summarize n = count(), l = make_list(w), m = max(strlen(w)))
    | project Id, S, n, l, m`;
  // Row 3's only word is "" (filtered out): its subquery returns no rows, so no record.
  assert.deepStrictEqual(await both(ARRAYS, query), [
    { Id: 1, S: "p q r", n: 3, l: `["p","q","r"]`, m: 1 },
    { Id: 2, S: "p", n: 1, l: `["p"]`, m: 1 },
  ]);
  // Without make_list (a barrier of summarize's own), the whole plan is lazy.
  const described = plan(ARRAYS, query.replace(", l = make_list(w)", "").replace(" l,", ""));
  assert.match(described, /EXPLODE/);
  assert.doesNotMatch(described, /__js/);
});

Deno.test("mv-apply summarize over many records: results in the records' order", async () => {
  // 20000 records of two elements each: one summary row per record, in the records' order
  // (a grouping alone does not keep it), each with its record's own i.
  const result = await rows(
    ARRAYS,
    `range i from 1 to 20000 step 1
    | extend a = pack_array(tostring(i), "x")
    | mv-apply v = a to typeof(string) on (summarize n = count(), f = min(v))
    | project i, n, f`,
  );
  assert.equal(result.length, 20000);
  const wrong = result.filter((r, k) => r.i !== k + 1 || r.n !== 2 || r.f !== String(k + 1));
  assert.deepStrictEqual(wrong.slice(0, 3), []);
});

Deno.test("mv-apply top 1 by and take 1: one element per record", async () => {
  const top = `E | mv-apply w = F to typeof(string) on (top 1 by strlen(w) desc) | project Id, w`;
  // Null F: one null element (an empty string); the empty array: no record.
  assert.deepStrictEqual(await both(ARRAYS, top), [
    { Id: 1, w: "a b" },
    { Id: 2, w: "" },
    { Id: 4, w: "b c" },
    { Id: 5, w: "x" },
  ]);
  const take = `E | mv-apply w = F on (take 1) | project Id, w`;
  // Dynamic items are JSON text; the null array's element is null.
  assert.deepStrictEqual(await both(ARRAYS, take), [
    { Id: 1, w: `"a b"` },
    { Id: 2, w: null },
    { Id: 4, w: `"b"` },
    { Id: 5, w: `"x"` },
  ]);
  const indexed = `E | mv-apply with_itemindex = i w = F to typeof(string) on
      (where i >= 1 | extend L = strlen(w)) | project Id, i, w, L`;
  assert.deepStrictEqual(await both(ARRAYS, indexed), [
    { Id: 1, i: 1, w: "c", L: 1 },
    { Id: 4, i: 1, w: "b c", L: 3 },
    { Id: 4, i: 2, w: "dd", L: 2 },
  ]);
  assert.doesNotMatch(plan(ARRAYS, top), /__js/);
});

Deno.test("mv-apply of elements Polars does not decode: the exact reading, same values", async () => {
  const mixed = [`["a",1,{"k":"b"}]`, `[2.5,"b"]`, String.raw`["\ud83d\ude00 b"]`];
  const query = `E | mv-apply w = F on (where tostring(w) has "b" | summarize n = count())
    | project Id, n`;
  // Row 1's bag is written `{"k":"b"}`, where "b" is a term.
  assert.deepStrictEqual(await both(mixed, query), [
    { Id: 1, n: 1 },
    { Id: 2, n: 1 },
    { Id: 3, n: 1 },
  ]);
  // to typeof(real): the numbers (1; 2.5), the other elements null.
  const numbers = `E | where Id < 3
    | mv-apply v = F to typeof(real) on (summarize s = sum(v)) | project Id, s`;
  assert.deepStrictEqual(await both(mixed, numbers), [{ Id: 1, s: 1 }, { Id: 2, s: 2.5 }]);
});

Deno.test("casefile query: the forwarding rule's keywords picked by mv-apply", async () => {
  // ANSWERS.md step 5: New-InboxRule forwarding mail mentioning
  // "invoice;payment;remittance;bank details", from 203.0.113.45:50412.
  const run = await runCasefile([
    "query",
    `OfficeActivity
    | where Operation == "New-InboxRule" and ClientIP startswith "203.0.113.45:"
    | mv-apply p = todynamic(Parameters) on (where tostring(p.Name) == "SubjectOrBodyContainsWords"
        | project Words = split(tostring(p.Value), ";"))
    | mv-apply w = Words to typeof(string) on
        (where w has "bank" or w has "invoice" | summarize Matched = make_list(w), n = count())
    | project ClientIP, Matched, n`,
    "--format",
    "json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepStrictEqual(JSON.parse(run.stdout), [
    { ClientIP: "203.0.113.45:50412", Matched: ["invoice", "bank details"], n: 2 },
  ]);
});
