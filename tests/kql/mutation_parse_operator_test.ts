/**
 * The `parse` operator (src/kql/compile/operators/_parse_operator.ts), for the survivors of a
 * 30-mutant harness run (issue 23, M1). The rules come from the Kusto docs ("parse operator"):
 * the simple and regex kinds are strict, so a column whose type does not match fails the whole
 * match (text columns "" and the others null); in a regex, `.*` is greedy and a pattern that ends
 * in text need not reach the end of the value; the user's own groups do not move the columns'
 * groups. The values were worked out by hand.
 */
import assert from "node:assert/strict";
import { failure, records } from "./_records.ts";

Deno.test("mutation/parse: a typed column that does not convert fails the whole simple match", async () => {
  const rows = await records(
    `datatable(s: string) ["user=bob at=2026-01-02", "user=eve at=notadate"]
     | parse s with "user=" u:string " at=" t:datetime | project u, t`,
  );
  assert.equal(rows[0].u, "bob");
  assert.equal((rows[0].t as Date).toISOString(), "2026-01-02T00:00:00.000Z");
  // The second row's date does not convert, so u is not kept either.
  assert.deepEqual(rows[1], { u: "", t: null });
});

Deno.test("mutation/parse: two columns with no text between them are refused", async () => {
  const error = await failure('print s = "ab" | parse s with a:string b:string');
  assert.match(error.message, /the columns 'a' and 'b' of the parse pattern need text between/);
});

Deno.test("mutation/parse: a regex ending in text need not reach the end of the value", async () => {
  const [r] = await records(
    'print s = "id=12 rest" | parse kind=regex s with "id=" v:string " " | project v',
  );
  // Greedy `.*` up to the last space before "rest".
  assert.deepEqual(r, { v: "12" });
});

Deno.test("mutation/parse: escaped and bracketed parentheses in a regex are not groups", async () => {
  const rows = await records(
    `print s = "(abc)"
     | parse kind=regex s with @"\\(" a:string @"\\)" | extend s2 = s
     | parse kind=regex s2 with "[(]" b:string "[)]" | project a, b`,
  );
  assert.deepEqual(rows, [{ a: "abc", b: "abc" }]);
});

Deno.test("mutation/parse: a ']' first in a negated class is a character, not the class's end", async () => {
  // [^](] is one character that is neither ']' nor '(' (here "1"), so no group opens in it.
  const [r] = await records(
    'print s = "x1abc" | parse kind=regex s with "x[^](]" a:string | project a',
  );
  assert.deepEqual(r, { a: "abc" });
});

Deno.test("mutation/parse: non-capturing and named groups in a regex, by hand", async () => {
  const [r] = await records(
    `print s1 = "x(abc", s2 = "id=5", s3 = "<7", s4 = "id=9"
     | parse kind=regex s1 with "x[](]" a:string
     | parse kind=regex s2 with "(?:id)=" b:long
     | parse kind=regex s3 with "(?:<)" c:long
     | parse kind=regex s4 with "(?P<k>id)=" d:long
     | project a, b, c, d`,
  );
  // [](] is ']' or '('; (?:...) captures nothing; (?P<k>...) is a group before the column's.
  assert.deepEqual(r, { a: "abc", b: 5, c: 7, d: 9 });
});

Deno.test("mutation/parse: flags and (?<name>) groups in a regex; bool and guid columns", async () => {
  const [r] = await records(
    `print s1 = "id=3", s2 = "id=4", s3 = "ok=true id=1B4E28BA-2FA1-11D2-883F-0016D3CCA427"
     | parse kind=regex s1 with "(?i)ID=" a:long
     | parse kind=regex s2 with "(?<k>id)=" b:long
     | parse s3 with "ok=" c:bool " id=" g:guid
     | project a, b, c, g`,
  );
  // (?i) is a flag, not a group; (?<k>...) is a group; tobool/toguid read the captured text.
  assert.deepEqual(r, { a: 3, b: 4, c: true, g: "1b4e28ba-2fa1-11d2-883f-0016d3cca427" });
});
