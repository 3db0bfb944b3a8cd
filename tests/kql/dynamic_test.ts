/**
 * KQL's dynamic functions (arrays, property bags, sets, range, zip, dynamic_to_json):
 * query in, values out. Each case runs on constants (folded in JavaScript) and, where it
 * matters, on table columns (computed at a barrier).
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError } from "../../src/kql/mod.ts";

/** Rows of a query with dynamic columns parsed from their JSON text. */
async function rows(query: string): Promise<Record<string, unknown>[]> {
  const { frame, schema } = await executeKql(query);
  const dynamic = schema.columns.filter((c) => c.type === "dynamic").map((c) => c.name);
  return frame.toRecords().map((row) => {
    const out: Record<string, unknown> = { ...row };
    for (const name of dynamic) {
      out[name] = out[name] === null ? null : JSON.parse(out[name] as string);
    }
    return out;
  });
}

/** The value of one scalar expression. */
async function value(expression: string): Promise<unknown> {
  return (await rows(`print v = ${expression}`))[0].v;
}

/** The values of `expression` over a one-column table `T(x: dynamic)` holding `values`. */
async function overColumn(expression: string, values: string[]): Promise<unknown[]> {
  const data = values.map((v) => `dynamic(${v})`).join(", ");
  return (await rows(`datatable(x: dynamic) [${data}] | project v = ${expression}`))
    .map((r) => r.v);
}

async function rejects(query: string, message: RegExp): Promise<void> {
  await assert.rejects(() => executeKql(query), (e: unknown) => {
    assert.ok(e instanceof KqlSemanticError, String(e));
    assert.match(e.message, message);
    return true;
  });
}

// ---------------------------------------------------------------- arrays

Deno.test("array_concat() joins arrays, null when an argument is not an array", async () => {
  assert.deepEqual(await value("array_concat(dynamic([1, 2]), dynamic(['a']), dynamic([]))"), [
    1,
    2,
    "a",
  ]);
  assert.deepEqual(await overColumn("array_concat(x, dynamic([9]))", ["[1]", "null", "{}"]), [
    [1, 9],
    null,
    null,
  ]);
  await rejects("print array_concat('a')", /argument 1 of array_concat\(\) must be dynamic/);
});

Deno.test("array_slice() counts negative positions from the end, both ends inclusive", async () => {
  assert.deepEqual(await value("array_slice(dynamic([1,2,3,4,5]), 2, -1)"), [3, 4, 5]);
  assert.deepEqual(await value("array_slice(dynamic([1,2,3,4,5]), -3, -2)"), [3, 4]);
  assert.deepEqual(await value("array_slice(dynamic([1,2,3]), 1, 10)"), [2, 3]);
  assert.deepEqual(await value("array_slice(dynamic([1,2,3]), 2, 1)"), []);
  assert.equal(await value("array_slice(dynamic({'a': 1}), 0, 1)"), null);
  await rejects("print array_slice(dynamic([1]), 'a', 2)", /argument 2 of array_slice\(\)/);
});

Deno.test("array_reverse() and array_rotate_*() reorder arrays", async () => {
  assert.deepEqual(await value("array_reverse(dynamic(['a', 'b', 'c']))"), ["c", "b", "a"]);
  assert.deepEqual(await value("array_rotate_left(dynamic([1,2,3,4,5]), 2)"), [3, 4, 5, 1, 2]);
  assert.deepEqual(await value("array_rotate_left(dynamic([1,2,3,4,5]), -2)"), [4, 5, 1, 2, 3]);
  assert.deepEqual(await value("array_rotate_right(dynamic([1,2,3,4,5]), 7)"), [4, 5, 1, 2, 3]);
  assert.deepEqual(await value("array_rotate_right(dynamic([]), 3)"), []);
  assert.equal(await value("array_reverse(dynamic(null))"), null);
});

Deno.test('array_shift_*() fill with null, "" for strings, or the default given', async () => {
  assert.deepEqual(await value("array_shift_left(dynamic([1,2,3,4,5]), 2)"), [
    3,
    4,
    5,
    null,
    null,
  ]);
  assert.deepEqual(await value("array_shift_left(dynamic([1,2,3,4,5]), -2, -1)"), [
    -1,
    -1,
    1,
    2,
    3,
  ]);
  assert.deepEqual(await value("array_shift_right(dynamic(['a','b','c']), 1)"), ["", "a", "b"]);
  assert.deepEqual(await value("array_shift_right(dynamic([1,2]), 5, 0)"), [0, 0]);
});

Deno.test("array_sort_asc() and _desc() put nulls last unless told, others follow", async () => {
  assert.deepEqual(await value("array_sort_asc(dynamic([null, 'blue', 'yellow', 'green']))"), [
    "blue",
    "green",
    "yellow",
    null,
  ]);
  assert.deepEqual(
    await value("array_sort_desc(dynamic([null, 'blue', 'yellow', 'green', null]), false)"),
    [null, null, "yellow", "green", "blue"],
  );
  // Numbers sort before strings, whatever the direction of the values.
  assert.deepEqual(await value("array_sort_asc(dynamic(['b', 10, 'a', 2]))"), [2, 10, "a", "b"]);
  // Several arrays: one column each, named after the array (Kusto.Language: array1_sorted
  // for the second when it has no name); the others follow the first, and one of another
  // length becomes null.
  assert.deepEqual(
    await rows(
      "let a = dynamic([1,3,4,5,2]); " +
        "print array_sort_asc(a, dynamic(['a','b','c','d','e']), dynamic([1]))",
    ),
    [{ a_sorted: [1, 2, 3, 4, 5], array1_sorted: ["a", "e", "b", "c", "d"], array2_sorted: null }],
  );
  assert.deepEqual(
    await rows(
      "print array_sort_asc(dynamic(['2022-01-03T00:00:00.0000000Z', '2022-01-01T00:00:00.0000000Z']), dynamic(['b', 'a']))",
    ),
    [{
      array0_sorted: ["2022-01-01T00:00:00.0000000Z", "2022-01-03T00:00:00.0000000Z"],
      array1_sorted: ["a", "b"],
    }],
  );
});

Deno.test("array_sum() adds numbers as a real, null with anything else", async () => {
  assert.equal(await value("array_sum(dynamic([1, 2, 3.5]))"), 6.5);
  assert.equal(await value("array_sum(dynamic([1, 'a']))"), null);
  assert.deepEqual(await overColumn("array_sum(x)", ["[1,2]", "[]", "null"]), [3, 0, null]);
});

Deno.test("array_index_of() honours start, length and occurrence", async () => {
  const arr = `dynamic(["this", "is", "an", "example", "an", "example"])`;
  const cases: Array<[string, number | null]> = [
    [`array_index_of(${arr}, "an")`, 2],
    [`array_index_of(${arr}, "example", 1, 3)`, 3],
    [`array_index_of(${arr}, "example", 1, 2)`, -1],
    [`array_index_of(${arr}, "an", 1, -1, 2)`, 4],
    [`array_index_of(${arr}, "an", 1, -1, 3)`, -1],
    [`array_index_of(${arr}, "an", -3)`, 4],
    [`array_index_of(${arr}, "is", -4)`, -1],
    [`array_index_of(${arr}, "an", 0, -2)`, null],
    [`array_index_of(${arr}, "an", 0, -1, -1)`, null],
  ];
  for (const [expression, expected] of cases) assert.equal(await value(expression), expected);
});

Deno.test("array_index_of() and set_has_element() compare typed values", async () => {
  assert.equal(await value("array_index_of(dynamic([1, 2, 3]), 3)"), 2);
  assert.equal(await value("array_index_of(dynamic(['1']), 1)"), -1);
  assert.equal(
    await value("array_index_of(pack_array(datetime(2022-01-01), now()), datetime(2022-01-01))"),
    0,
  );
  assert.equal(await value("set_has_element(dynamic(['a', 'b']), 'b')"), true);
  assert.equal(await value("set_has_element(dynamic([1, 2]), 3)"), false);
  assert.equal(await value("set_has_element(dynamic(null), 3)"), null);
});

Deno.test("array_iff() picks per element, null for conditions that are not bool or number", async () => {
  assert.deepEqual(
    await value("array_iff(dynamic([true, false, true]), dynamic([1, 2, 3]), dynamic([4, 5, 6]))"),
    [1, 5, 3],
  );
  assert.deepEqual(await value("array_iif(dynamic([1, 0, 50]), 'yes', 'no')"), [
    "yes",
    "no",
    "yes",
  ]);
  assert.deepEqual(
    await value("array_iff(dynamic(['x', null, true]), 1, 0)"),
    [null, null, 1],
  );
  assert.deepEqual(
    await value("array_iff(dynamic([true, true, true]), dynamic([1, 2]), dynamic([3, 4]))"),
    [1, 2, null],
  );
});

Deno.test("array_split() cuts at one index or several", async () => {
  assert.deepEqual(await value("array_split(dynamic([1,2,3,4,5]), 2)"), [[1, 2], [3, 4, 5]]);
  assert.deepEqual(await value("array_split(dynamic([1,2,3,4,5]), dynamic([1, 3]))"), [
    [1],
    [2, 3],
    [4, 5],
  ]);
  assert.deepEqual(await value("array_split(dynamic([1,2,3]), -1)"), [[1, 2], [3]]);
});

Deno.test("zip() pairs elements by position and pads with null", async () => {
  assert.deepEqual(await value("zip(dynamic([1,3,5]), dynamic([2,4,6]))"), [[1, 2], [3, 4], [
    5,
    6,
  ]]);
  assert.deepEqual(await value("zip(dynamic(['A', 1, 1.5]), dynamic([{}, 'B']))"), [
    ["A", {}],
    [1, "B"],
    [1.5, null],
  ]);
});

Deno.test("range() steps numbers, datetimes and timespans up to the stop", async () => {
  assert.deepEqual(await value("range(1, 8, 3)"), [1, 4, 7]);
  assert.deepEqual(await value("range(1, 3)"), [1, 2, 3]);
  assert.deepEqual(await value("range(5, 1, -2)"), [5, 3, 1]);
  assert.deepEqual(await value("range(3, 1)"), []);
  assert.deepEqual(await value("range(1h, 3h)"), ["01:00:00", "02:00:00", "03:00:00"]);
  assert.deepEqual(await value("range(datetime(2015-01-01), datetime(2015-01-03), 1d)"), [
    "2015-01-01T00:00:00.0000000Z",
    "2015-01-02T00:00:00.0000000Z",
    "2015-01-03T00:00:00.0000000Z",
  ]);
  assert.equal(await value("range(1, 5, 0)"), null);
  assert.equal((await value("range(1, 1000000000)") as unknown[]).length, 1_048_576);
  await rejects("print range('a', 'b')", /range\(\) needs numbers, datetimes or timespans/);
  await rejects("print range(datetime(2020-01-01), 5)", /argument 2 of range\(\)/);
});

Deno.test("range() over a column builds one array per row", async () => {
  const out = await rows("datatable(n: long) [1, 3, 0] | extend r = range(1, n)");
  assert.deepEqual(out.map((r) => r.r), [[1], [1, 2, 3], []]);
});

Deno.test("repeat() repeats a value; a negative count gives null", async () => {
  assert.deepEqual(await value("repeat(1, 3)"), [1, 1, 1]);
  assert.deepEqual(await value("repeat('a', 0)"), []);
  assert.deepEqual(await value("repeat(5m, 2)"), ["00:05:00", "00:05:00"]);
  assert.equal(await value("repeat(1, -1)"), null);
});

// ---------------------------------------------------------------- sets

Deno.test("set_union(), set_intersect() and set_difference() keep distinct values", async () => {
  assert.deepEqual(await value("set_union(dynamic([1, 2, 1, 4]), dynamic([1, 2]), dynamic([8]))"), [
    1,
    2,
    4,
    8,
  ]);
  assert.deepEqual(await value("set_intersect(dynamic([1, 2, 3, 1]), dynamic([3, 1, 9]))"), [1, 3]);
  assert.deepEqual(
    await value("set_difference(dynamic([1, 2, 4, 8]), dynamic([1, 2]), dynamic([8]))"),
    [4],
  );
  assert.deepEqual(await value("set_difference(dynamic([1,2,3]), dynamic([1,2,3]))"), []);
  // Strings and numbers are different values.
  assert.deepEqual(await value("set_union(dynamic(['1']), dynamic([1]))"), ["1", 1]);
  assert.equal(await value("set_union(dynamic([1]), dynamic(null))"), null);
});

Deno.test("jaccard_index() divides the intersection by the union", async () => {
  assert.equal(await value("jaccard_index(dynamic([1,2,3]), dynamic([1,2,3,4]))"), 0.75);
  assert.equal(await value("jaccard_index(dynamic([1,1,2]), dynamic([2,2]))"), 0.5);
  assert.ok(Number.isNaN(await value("jaccard_index(dynamic([]), dynamic([]))")));
});

// ---------------------------------------------------------------- property bags

Deno.test("bag_pack() pairs keys with values, datetimes as Kusto's text", async () => {
  assert.deepEqual(
    await value(
      "bag_pack('Level', 'Information', 'ProcessID', 1234, 'Data', bag_pack('url', 'x'))",
    ),
    { Level: "Information", ProcessID: 1234, Data: { url: "x" } },
  );
  assert.deepEqual(await value("pack('at', datetime(2022-01-01), 'for', 90s, 'none', int(null))"), {
    at: "2022-01-01T00:00:00.0000000Z",
    for: "00:01:30",
    none: null,
  });
  await rejects("print bag_pack('a', 1, 'b')", /needs pairs of key and value/);
});

Deno.test("bag_pack_columns() and pack_all() name values after their columns", async () => {
  const out = await rows(`
    datatable(Source: string, Target: string, Count: long)
      ['555-1234', '555-1212', 46, '', '555-3456', long(null)]
    | extend Packed = pack_all(), Ignored = pack_all(true), Two = bag_pack_columns(Source, Count)`);
  assert.deepEqual(out.map((r) => [r.Packed, r.Ignored, r.Two]), [
    [
      { Source: "555-1234", Target: "555-1212", Count: 46 },
      { Source: "555-1234", Target: "555-1212", Count: 46 },
      { Source: "555-1234", Count: 46 },
    ],
    [
      { Source: "", Target: "555-3456", Count: null },
      { Target: "555-3456" },
      { Source: "", Count: null },
    ],
  ]);
  await rejects("let b = pack_all(); print b", /pack_all\(\) packs the columns of a row/);
  await rejects("print x = 1 | extend bag_pack_columns(x + 1)", /takes column names/);
});

Deno.test("bag_keys() lists the root keys of bags only", async () => {
  assert.deepEqual(
    await overColumn("bag_keys(x)", ["{'a': 'b', 'c': {'d': 1}}", "{}", "'a'", "[]", "null"]),
    [["a", "c"], [], null, null, null],
  );
});

Deno.test("bag_merge() keeps the leftmost value of a repeated key", async () => {
  assert.deepEqual(
    await value("bag_merge(dynamic({'A1':12, 'B1':2}), dynamic({'A2':81, 'A1':1}), dynamic(null))"),
    { A1: 12, B1: 2, A2: 81 },
  );
});

Deno.test("bag_has_key(), bag_set_key() and bag_remove_keys() take JSONPath keys", async () => {
  const bag =
    "dynamic({'key1': 123, 'key2': {'prop1': 'abc', 'prop2': 'xyz'}, 'key3': [100, 200]})";
  assert.equal(await value(`bag_has_key(${bag}, 'key2')`), true);
  assert.equal(await value(`bag_has_key(${bag}, '$.key2.prop1')`), true);
  assert.equal(await value(`bag_has_key(${bag}, "$['key2']['nope']")`), false);
  assert.equal(await value(`bag_has_key(dynamic([1]), 'a')`), false);
  assert.deepEqual(await value(`bag_remove_keys(${bag}, dynamic(['$.key2.prop1', 'key3', 'x']))`), {
    key1: 123,
    key2: { prop2: "xyz" },
  });
  assert.deepEqual(await value("bag_set_key(dynamic({'key1': 123}), '$.key2.prop1', 'abc')"), {
    key1: 123,
    key2: { prop1: "abc" },
  });
  assert.deepEqual(await value("bag_set_key(dynamic({'k': 1}), 'k', datetime(2020-01-01))"), {
    k: "2020-01-01T00:00:00.0000000Z",
  });
  assert.equal(await value("bag_set_key(dynamic([1]), 'k', 1)"), null);
});

Deno.test("bag_remove_keys() works per row on a column", async () => {
  assert.deepEqual(
    await overColumn("bag_remove_keys(x, dynamic(['key2', 'key4']))", [
      "{'key1': 123, 'key2': 'abc'}",
      "{'key1': 'value', 'key3': 42.0}",
      "'text'",
    ]),
    [{ key1: 123 }, { key1: "value", key3: 42 }, null],
  );
});

Deno.test("bag_zip() pairs string keys with values, null values when short", async () => {
  assert.deepEqual(await value("bag_zip(dynamic(['a', 'b', 'c']), dynamic([1, '2']))"), {
    a: 1,
    b: "2",
    c: null,
  });
  assert.deepEqual(await value("bag_zip(dynamic(['a', 8, 'b']), dynamic([1, '2', 2.5]))"), {
    a: 1,
    b: 2.5,
  });
  assert.deepEqual(await value("bag_zip(dynamic(['a']), dynamic(1))"), { a: null });
  assert.equal(await value("bag_zip(dynamic('a'), dynamic([1]))"), null);
});

// ---------------------------------------------------------------- text

Deno.test("dynamic_to_json() sorts bag keys at every level", async () => {
  assert.equal(
    await value(
      "dynamic_to_json(dynamic({'Y10': {}, 'X8': {'c3': 1, 'a4': 6}, 'A14': [15, 13], 'A1': 'x'}))",
    ),
    '{"A1":"x","A14":[15,13],"X8":{"a4":6,"c3":1},"Y10":{}}',
  );
  assert.equal(await value("dynamic_to_json(12)"), "12");
  assert.equal(
    await value("dynamic_to_json(datetime(2020-01-01))"),
    "2020-01-01T00:00:00.0000000Z",
  );
  assert.deepEqual(await overColumn("dynamic_to_json(x)", ["{'b': 1, 'a': 2}", "null"]), [
    '{"a":2,"b":1}',
    "null",
  ]);
});
