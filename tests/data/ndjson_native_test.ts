/**
 * NDJSON read by Polars' own reader: exact values and types of hand-made files, the line
 * of a bad record named (found only after the native read fails, across the chunks of the
 * line-by-line pass), and a large file loaded without ever being read whole into memory.
 * Line numbers are known by construction: record `i` of `bigNdjson` is on line `i + 1`.
 */
import assert from "node:assert/strict";
import { DataLoadError, loadTable } from "../../src/data/mod.ts";
import { columnValues, pl } from "../../src/polars.ts";
import { runCasefile, tempFile } from "../_helpers.ts";

function types(table: { schema: { columns: readonly { name: string; type: string }[] } }) {
  return Object.fromEntries(table.schema.columns.map((c) => [c.name, c.type]));
}

async function refused(file: string): Promise<DataLoadError> {
  const error = await loadTable(file).then(() => undefined, (e) => e);
  assert.ok(error instanceof DataLoadError, `expected a DataLoadError, got ${error}`);
  assert.ok(error.message.includes(file), error.message);
  return error;
}

/** `rows` records, about 170 bytes each; `edit(i, line)` changes record i's line. */
async function bigNdjson(
  name: string,
  rows: number,
  edit: (i: number, line: string) => string = (_, l) => l,
): Promise<string> {
  const file = await Deno.makeTempFile({ suffix: `-${name}` });
  // Written a block at a time: the test does not hold the file in memory either.
  using handle = await Deno.open(file, { write: true, truncate: true });
  const encoder = new TextEncoder();
  for (let start = 0; start < rows; start += 10_000) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(rows, start + 10_000); i++) {
      lines.push(edit(
        i,
        `{"Id":${i},"Host":"ws-${i % 97}.corp.example","Failed":${i % 2 === 0},` +
          `"Score":${i % 7}.5,"Time":"2026-03-10T08:00:00Z","Tags":{"n":${i % 5},"k":["a"]}}`,
      ));
    }
    const bytes = encoder.encode(lines.join("\n") + "\n");
    for (let done = 0; done < bytes.length;) done += await handle.write(bytes.subarray(done));
  }
  return file;
}

Deno.test("NDJSON: values and types of a hand-made file", async () => {
  const file = await tempFile(
    "t.ndjson",
    [
      '{"a":1,"b":"x","c":{"k":[1, 2]},"d":true,"t":"2026-03-10T08:00:00Z"}',
      "",
      '{"a":9007199254740993,"b":null,"c":{"z":"q"},"d":false,"t":"2026-03-10T09:30:00Z"}',
      '{"a":3,"b":"z","d":true,"t":"2026-03-11T00:00:00Z","late":2.5}',
    ].join("\n") + "\n",
  );
  const table = await loadTable(file);
  assert.deepEqual(types(table), {
    a: "long",
    b: "string",
    c: "dynamic",
    d: "bool",
    t: "datetime",
    late: "real",
  });
  assert.deepEqual(columnValues(table.frame, "b"), ["x", null, "z"]);
  // Nested values as compact JSON, as every other source gives them.
  assert.deepEqual(columnValues(table.frame, "c"), ['{"k":[1,2]}', '{"z":"q"}', null]);
  assert.deepEqual(columnValues(table.frame, "d"), [true, false, true]);
  assert.deepEqual(columnValues(table.frame, "late"), [null, null, 2.5]);
  // Beyond 2^53: every digit kept.
  assert.equal(String(table.frame.getColumn("a").cast(pl.Utf8).get(1)), "9007199254740993");
  assert.deepEqual(table.warnings, []);
});

Deno.test("NDJSON: a column mixing JSON types stays text, the others counted", async () => {
  const file = await tempFile("m.ndjson", '{"a":"x"}\n{"a":"y"}\n{"a":5}\n{"a":"z"}\n');
  const table = await loadTable(file);
  assert.equal(types(table).a, "string");
  assert.deepEqual(columnValues(table.frame, "a"), ["x", "y", "5", "z"]);
  assert.equal(table.warnings.length, 1);
  assert.match(
    table.warnings[0].message,
    /column a: 1 value\(s\) are not of the column's main JSON type \(string\)/,
  );
});

Deno.test("NDJSON: a bad line in the middle is named, and one that is not an object", async () => {
  const bad = await refused(
    await tempFile("bad.ndjson", '{"a":1}\n{"a":2}\n{"a":3,}\n{"a":4}\n{"a":5}\n'),
  );
  assert.equal(bad.line, 3);
  assert.match(bad.message, /line 3 is not valid JSON/);
  const list = await refused(await tempFile("list.ndjson", '{"a":1}\n\n[1,2]\n{"a":4}\n'));
  assert.equal(list.line, 3);
  assert.match(list.message, /line 3 is not a JSON object/);
});

Deno.test("NDJSON: a bad line far down a large file is named across read chunks", async () => {
  // ~34 MB: the line-by-line pass crosses two 16 MiB chunk boundaries before line 180001.
  const file = await bigNdjson("far.ndjson", 200_000, (i, l) => i === 180_000 ? l.slice(0, -1) : l);
  try {
    const error = await refused(file);
    assert.equal(error.line, 180_001);
    assert.match(error.message, /line 180001 is not valid JSON/);
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("NDJSON: a large file loads with every row, never read whole into memory", async () => {
  const rows = 200_000;
  const file = await bigNdjson("big.ndjson", rows);
  // Any whole-file read of it through Deno fails the test.
  const readFile = Deno.readFile;
  const readTextFile = Deno.readTextFile;
  const refuse = (path: string | URL) => {
    if (String(path) === file) throw new Error("the NDJSON file was read whole");
    return undefined;
  };
  Deno.readFile =
    ((path: string | URL, options?: Deno.ReadFileOptions) =>
      refuse(path) ?? readFile(path, options)) as typeof Deno.readFile;
  Deno.readTextFile =
    ((path: string | URL, options?: Deno.ReadFileOptions) =>
      refuse(path) ?? readTextFile(path, options)) as typeof Deno.readTextFile;
  try {
    const table = await loadTable(file);
    assert.equal(table.frame.height, rows);
    assert.deepEqual(types(table), {
      Id: "long",
      Host: "string",
      Failed: "bool",
      Score: "real",
      Time: "datetime",
      Tags: "dynamic",
    });
    const last = rows - 1;
    assert.equal(columnValues(table.frame, "Id")[last], last);
    assert.equal(columnValues(table.frame, "Host")[last], `ws-${last % 97}.corp.example`);
    assert.equal(columnValues(table.frame, "Score")[last], (last % 7) + 0.5);
    assert.equal(columnValues(table.frame, "Tags")[last], `{"n":${last % 5},"k":["a"]}`);
  } finally {
    Deno.readFile = readFile;
    Deno.readTextFile = readTextFile;
    await Deno.remove(file);
  }
});

Deno.test("casefile load names the bad line of an NDJSON file, exit code 1", async () => {
  const file = await tempFile("cli.ndjson", '{"a":1}\n{"a":2}\n{"a":\n{"a":4}\n');
  const out = await runCasefile(["load", file, "--format", "csv"]);
  const stderr = out.stderr;
  assert.equal(out.code, 1, stderr);
  assert.ok(stderr.includes(file), stderr);
  assert.match(stderr, /line 3 is not valid JSON/);
});

Deno.test("casefile load prints an NDJSON file's rows with nested values as JSON", async () => {
  const file = await tempFile(
    "ok.ndjson",
    '{"Account":"ana","Failed":3,"Props":{"ip":"10.0.0.1"}}\n{"Account":"ben","Failed":0}\n',
  );
  const out = await runCasefile(["load", file, "--format", "csv"]);
  assert.equal(out.code, 0, out.stderr);
  assert.deepEqual(out.stdout.trimEnd().split("\n"), [
    "Account,Failed,Props",
    'ana,3,"{""ip"":""10.0.0.1""}"',
    "ben,0,",
  ]);
});

Deno.test("NDJSON: a nested column first seen past the sampled lines is dynamic too", async () => {
  const file = await tempFile(
    "late.ndjson",
    '{"a":1}\n'.repeat(1500) + '{"a":2,"p":{"x": [1, "y"]}}\n',
  );
  const table = await loadTable(file);
  assert.deepEqual(types(table), { a: "long", p: "dynamic" });
  assert.equal(table.frame.height, 1501);
  assert.equal(columnValues(table.frame, "p")[1500], '{"x":[1,"y"]}');
  assert.equal(columnValues(table.frame, "p")[0], null);
});
