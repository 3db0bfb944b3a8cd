/**
 * Nested NDJSON (objects and arrays inside records, as Sentinel and Defender exports write
 * `AdditionalFields`) scanned lazily as `dynamic` columns (src/data/_scan_ndjson.ts), and
 * queried through the CLI (`casefile query --data`), the front door an investigator uses on
 * an export folder. Expected values are written by hand from the records below; Polars'
 * text of a nested value (`{"k": [1, 2]}`) must come out as the compact JSON every other
 * source gives, and rows whose text Polars would write differently (backslashes, numeric
 * keys, more than 32 keys, tiny fractions) make the table load whole, never a wrong answer.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { join } from "node:path";
import { scanTable } from "../../src/data/mod.ts";
import { runCasefile as casefile, tempFolder } from "../_helpers.ts";

// Two daily files of a process table; day 1's first record holds `, ` and `: ` in strings.
const DAY1 = [
  `{"TimeGenerated":"2026-03-02T10:00:00Z","Computer":"HOST-1","AdditionalFields":` +
  `{"Parent":"winword.exe","Elevated":true,"Tags":["office","macro"],"Cmd":"a, b: c"}}`,
  `{"TimeGenerated":"2026-03-02T11:00:00Z","Computer":"HOST-2","AdditionalFields":` +
  `{"Parent":"explorer.exe","Elevated":false,"Tags":[]}}`,
  `{"TimeGenerated":"2026-03-02T12:00:00Z","Computer":"HOST-1","AdditionalFields":null}`,
];
const DAY2 = [
  `{"TimeGenerated":"2026-03-03T09:00:00Z","Computer":"HOST-3","AdditionalFields":` +
  `{"Parent":"winword.exe","Tags":["office"],"Score":2.5,"Ids":[1, 20, 300]}}`,
  `{"TimeGenerated":"2026-03-03T10:00:00Z","Computer":"HOST-2"}`,
];

async function folderOf(files: Record<string, string[]>): Promise<string> {
  return await tempFolder(
    Object.fromEntries(Object.entries(files).map(([p, lines]) => [p, lines.join("\n") + "\n"])),
  );
}

async function query(folder: string, kql: string) {
  const out = await casefile(["query", "--data", folder, kql, "--format", "json"]);
  assertEquals(out.code, 0, out.stderr);
  return JSON.parse(out.stdout);
}

Deno.test("a folder of nested NDJSON files scans lazily, its objects as compact dynamic text", async () => {
  const folder = await folderOf({ "Proc/day1.ndjson": DAY1, "Proc/day2.ndjson": DAY2 });
  try {
    const table = await scanTable(
      [join(folder, "Proc/day1.ndjson"), join(folder, "Proc/day2.ndjson")],
      { name: "Proc" },
    );
    assertEquals(table.scanned, true);
    assertEquals(
      table.schema.columns.map((c) => `${c.name}:${c.type}`),
      ["TimeGenerated:datetime", "Computer:string", "AdditionalFields:dynamic"],
    );
    // The records' own compact text, even where Polars wrote `[1, 20, 300]`.
    assertEquals(table.frame.collectSync().getColumn("AdditionalFields").toArray(), [
      `{"Parent":"winword.exe","Elevated":true,"Tags":["office","macro"],"Cmd":"a, b: c"}`,
      `{"Parent":"explorer.exe","Elevated":false,"Tags":[]}`,
      null,
      `{"Parent":"winword.exe","Tags":["office"],"Score":2.5,"Ids":[1,20,300]}`,
      null,
    ]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("casefile query --data: properties, mv-expand and bag_keys of a scanned nested column", async () => {
  const folder = await folderOf({ "Proc/day1.ndjson": DAY1, "Proc/day2.ndjson": DAY2 });
  try {
    // Rows 3 and 5 have no Parent: tostring() of a missing value is "".
    assertEquals(
      await query(
        folder,
        "Proc | summarize n = count() by Parent = tostring(AdditionalFields.Parent) " +
          "| order by Parent asc",
      ),
      [
        { Parent: "", n: 2 },
        { Parent: "explorer.exe", n: 1 },
        { Parent: "winword.exe", n: 2 },
      ],
    );
    // office (rows 1, 4) and macro (row 1); the empty array of row 2 makes no row.
    assertEquals(
      await query(
        folder,
        "Proc | mv-expand Tag = AdditionalFields.Tags to typeof(string) " +
          "| where isnotempty(Tag) | summarize n = count() by Tag | order by Tag asc",
      ),
      [{ Tag: "macro", n: 1 }, { Tag: "office", n: 2 }],
    );
    assertEquals(
      await query(
        folder,
        "Proc | where AdditionalFields.Elevated == true " +
          "| project Computer, Cmd = tostring(AdditionalFields.Cmd), T = tostring(AdditionalFields)",
      ),
      [{
        Computer: "HOST-1",
        Cmd: "a, b: c",
        T: `{"Parent":"winword.exe","Elevated":true,"Tags":["office","macro"],"Cmd":"a, b: c"}`,
      }],
    );
    assertEquals(
      await query(
        folder,
        "Proc | where Computer == 'HOST-3' | project K = bag_keys(AdditionalFields), " +
          "S = todouble(AdditionalFields.Score) * 2, Ids = array_length(AdditionalFields.Ids)",
      ),
      [{ K: ["Parent", "Tags", "Score", "Ids"], S: 5, Ids: 3 }],
    );
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("nested text Polars writes differently past the sample: the table loads whole, values exact", async () => {
  // One table per case, each 1200 plain records then one record Polars' text cannot give
  // exactly (each alone must send its table to the whole load).
  const plain = Array.from(
    { length: 1200 },
    (_, i) => `{"Id":${i},"Extra":{"Kind":"plain","N":${i}}}`,
  );
  const odd: Record<string, string> = {
    Path: String.raw`{"Id":5000,"Extra":{"Kind":"path","Path":"C:\\Windows\\cmd.exe"}}`,
    NumKey: `{"Id":5000,"Extra":{"Kind":"numkey","b":1,"7":2}}`,
    Tiny: `{"Id":5000,"Extra":{"Kind":"tiny","v":1e-7}}`,
    Wide: `{"Id":5000,"Extra":{"Kind":"wide",${
      Array.from({ length: 33 }, (_, i) => `"k${33 - i}":${i}`).join(",")
    }}}`,
  };
  const folder = await folderOf(
    Object.fromEntries(Object.entries(odd).map(([t, line]) => [`${t}.ndjson`, [...plain, line]])),
  );
  try {
    const text = async (table: string) => {
      const rows = await query(folder, `${table} | where Id == 5000 | project T = tostring(Extra)`);
      assertEquals(rows.length, 1);
      return rows[0].T as string;
    };
    // As JavaScript writes them: the backslashes escaped, the whole-number key first, the
    // tiny number with its exponent, the 33 keys in their order.
    assertEquals(await text("Path"), String.raw`{"Kind":"path","Path":"C:\\Windows\\cmd.exe"}`);
    assertEquals(await text("NumKey"), `{"7":2,"Kind":"numkey","b":1}`);
    assertEquals(await text("Tiny"), `{"Kind":"tiny","v":1e-7}`);
    const wide = await text("Wide");
    ok(wide.startsWith(`{"Kind":"wide","k33":0,"k32":1,"k31":2,`), wide);
    assertEquals(
      await query(folder, "Tiny | summarize n = countif(tostring(Extra.Kind) == 'plain')"),
      [{ n: 1200 }],
    );
    // Through the API: each table plans as a scan, and reading it stops at the odd record
    // (the provider then loads it whole) rather than give Polars' text.
    for (const table of Object.keys(odd)) {
      const scanned = await scanTable(join(folder, `${table}.ndjson`));
      assertEquals(scanned.scanned, true, table);
      let failure: unknown;
      try {
        scanned.frame.collectSync();
      } catch (error) {
        failure = error;
      }
      ok(String(failure).includes("casefile-scan-misfit:Extra"), `${table}: ${failure}`);
    }
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
