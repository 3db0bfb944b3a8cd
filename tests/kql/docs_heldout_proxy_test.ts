/**
 * Behaviours fixed while running a proxy of the held-out documentation cases (issue 16):
 * examples from Kusto documentation pages that `docs-cases.json` does not use. Expected
 * values are the pages' documented outputs (the page is named beside each), never our
 * engine's; the last test goes through the front door, `casefile query`.
 */
import assert from "node:assert/strict";
import { executeKql } from "../../src/kql/mod.ts";
import { runCasefile } from "../_helpers.ts";

async function row(kql: string): Promise<Record<string, unknown>> {
  const { frame } = await executeKql(kql);
  return frame.toRecords()[0] as Record<string, unknown>;
}

async function types(kql: string): Promise<string[]> {
  const { schema } = await executeKql(kql);
  return schema.columns.map((c) => c.type);
}

Deno.test("indexof_regex(): regex matches do not overlap when counting occurrences", async () => {
  // indexof-regex-function.md: in "ababaa" the second "a.a" would overlap the first
  // ("aba" at 0), so there is none (-1); "abcabc" has its second "a.c" at 3.
  assert.deepEqual(
    await row(`print
      a = indexof_regex("ababaa", @"a.a", 0, -1, 2),
      b = indexof_regex("abcabcdefg", @"a.c", 0, 9, 2),
      c = indexof_regex("abcabc", @"a.c", 1, -1, 2),
      d = indexof_regex("abcabc", @"a.c")`),
    { a: -1, b: 3, c: -1, d: 0 },
  );
});

Deno.test("indexof_regex(): a negative start is null; indexof() counts it from the end", async () => {
  // indexof-regex-function.md: null when start < 0 (idx5). indexof-function.md: a negative
  // start is an offset from the end ("abcdefg", -5 finds "cde" at 2).
  assert.deepEqual(
    await row(`print
      r = indexof_regex("abcabc", @"a|ab", -1),
      p = indexof("abcdefg", "cde", -5)`),
    { r: null, p: 2 },
  );
});

Deno.test("array_sort_asc() of several arrays is, inside an expression, the array of them", async () => {
  // array-sort-asc-function.md, example 3: [1] of the sort by time is the commands in
  // chronological order.
  const { frame } = await executeKql(
    `datatable(command:string, command_time:datetime, user_id:string)
    [
      'chmod', datetime(2019-07-15), "user1",
      'ls',    datetime(2019-07-02), "user1",
      'dir',   datetime(2019-07-22), "user1",
      'mkdir', datetime(2019-07-14), "user1",
      'rm',    datetime(2019-07-27), "user1",
      'pwd',   datetime(2019-07-25), "user1",
      'rm',    datetime(2019-07-23), "user2",
      'pwd',   datetime(2019-07-25), "user2",
    ]
    | summarize timestamps = make_list(command_time), commands = make_list(command) by user_id
    | project user_id, ordered = array_sort_asc(timestamps, commands)[1]
    | order by user_id asc`,
  );
  assert.deepEqual(
    frame.toRecords().map((r) => [r.user_id, JSON.parse(String(r.ordered))]),
    [
      ["user1", ["ls", "mkdir", "chmod", "dir", "pwd", "rm"]],
      ["user2", ["rm", "pwd"]],
    ],
  );
});

Deno.test("array_sort_asc() of several arrays still gives one column per array", async () => {
  // array-sort-asc-function.md, example 1: array1_sorted and array2_sorted.
  const kql = `let array1 = dynamic([1,3,4,5,2]);
    let array2 = dynamic(["a","b","c","d","e"]);
    print array_sort_asc(array1, array2)`;
  const r = await row(kql);
  assert.deepEqual(Object.keys(r), ["array1_sorted", "array2_sorted"]);
  assert.deepEqual(JSON.parse(String(r.array2_sorted)), ["a", "e", "b", "c", "d"]);
  // One array alone is that array, inside an expression too (example 2).
  assert.deepEqual(
    await row(`print r = strcat_array(array_sort_asc(split("John,Paul,George,Ringo", ",")), ",")`),
    { r: "George,John,Paul,Ringo" },
  );
});

Deno.test("ipv4_netmask_suffix() is a long, as Kusto.Language declares it", async () => {
  // ipv4-netmask-suffix-function.md: 32 without a suffix, else the suffix.
  const kql = `datatable(ip_string:string) ['10.1.2.3', '192.168.1.1/24', '127.0.0.1/16']
    | extend cidr_suffix = ipv4_netmask_suffix(ip_string)`;
  assert.deepEqual(await types(kql), ["string", "long"]);
  const { frame } = await executeKql(kql);
  assert.deepEqual(frame.getColumn("cidr_suffix").toArray().map(Number), [32, 24, 16]);
});

Deno.test("casefile query: the documented indexof_regex() and array_sort_asc() results", async () => {
  const run = await runCasefile([
    "query",
    `print idx4 = indexof_regex("ababaa", @"a.a", 0, -1, 2),
       idx5 = indexof_regex("abcabc", @"a|ab", -1),
       late = array_sort_desc(dynamic([1, 3, 2]), dynamic(["a", "c", "b"]))[1],
       suffix = ipv4_netmask_suffix("192.168.1.1/24")`,
    "--format",
    "json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  // indexof-regex-function.md (idx4, idx5); array-sort-desc orders the second array by the
  // first, descending; ipv4-netmask-suffix-function.md.
  assert.deepEqual(JSON.parse(run.stdout), [
    { idx4: -1, idx5: null, late: ["c", "b", "a"], suffix: 24 },
  ]);
});
