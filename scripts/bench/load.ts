/**
 * Loading benchmark: casefile's loaders (checks, inference, coercion) next to plain
 * nodejs-polars reads of the same files, in the same run.
 *
 * @module
 */
import { join } from "node:path";
import { Buffer } from "node:buffer";
import { pl } from "../../src/polars.ts";
import { loadTable } from "../../src/data/load.ts";
import { readManifest } from "../../src/data/manifest.ts";
import { DEMO_CASE_DIR } from "../../src/providers/local/local_provider.ts";
import { compare, type Comparison, report } from "./_measure.ts";

const WIDE_COLUMNS = 2000;

/** A CSV of `columns` columns: a third numbers, a third text, a third dates (half empty). */
function wideCsv(columns: number, rows: number): string {
  const lines = [Array.from({ length: columns }, (_, j) => `c${j}`).join(",")];
  for (let r = 0; r < rows; r++) {
    lines.push(
      Array.from(
        { length: columns },
        (_, j) =>
          j % 3 === 0
            ? String(r * j)
            : j % 3 === 1
            ? `v${r}_${j}`
            : r % 2 === 1
            ? ""
            : "2026-01-01T00:00:00Z",
      ).join(","),
    );
  }
  return lines.join("\n") + "\n";
}

/** Writes `wanted` rows of the demo case's SecurityEvent (repeated) as CSV and NDJSON. */
function writeCopies(wanted: number, csv: string, ndjson: string): number {
  const events = pl.readParquet(join(DEMO_CASE_DIR, "SecurityEvent.parquet"));
  const copies = Math.max(1, Math.ceil(wanted / events.height));
  const big = pl.concat(Array.from({ length: copies }, () => events)).head(wanted);
  big.writeCSV(csv);
  big.writeJSON(ndjson, { format: "lines" });
  return big.height;
}

/** Runs the suite; `rows` sizes the CSV and NDJSON files made from SecurityEvent. */
export async function run(options: { rows?: number } = {}): Promise<void> {
  const manifest = await readManifest(DEMO_CASE_DIR);
  if (!manifest) throw new Error(`no manifest in ${DEMO_CASE_DIR}: run deno task fixtures`);
  const rows: Comparison[] = [];
  // LOAD_TEXT_ONLY=1 measures the text formats alone.
  const tables = Deno.env.get("LOAD_TEXT_ONLY") ? [] : manifest.tables;
  for (const table of tables) {
    const file = join(DEMO_CASE_DIR, table.file);
    const types = new Map(table.columns.map((c) => [c.name, c.type]));
    rows.push(
      await compare(
        `parquet ${table.name} (${table.rows} rows)`,
        () => loadTable(file, { types }),
        () => pl.readParquet(Buffer.from(Deno.readFileSync(file))),
      ),
    );
  }
  if (rows.length > 0) report("Parquet: loadTable() vs pl.readParquet()", rows);

  // 300,000 rows of SecurityEvent's 229 columns is a 250 MB CSV: at a million rows the
  // two readers' copies (text and typed) outgrew a 24 GB machine and the suite was killed.
  const wanted = options.rows ?? 300_000;
  const dir = await Deno.makeTempDir({ prefix: "casefile-bench-" });
  try {
    const csv = join(dir, "SecurityEvent.csv");
    const ndjson = join(dir, "SecurityEvent.ndjson");
    // Written from a frame that is not kept: the measured reads have the memory to themselves.
    const height = writeCopies(wanted, csv, ndjson);
    const wide = join(dir, "Wide.csv");
    await Deno.writeTextFile(wide, wideCsv(WIDE_COLUMNS, 200));
    // The files are bigger than loadTable's default limit at a million rows.
    const all = { types: new Map(), maxFileBytes: Number.MAX_SAFE_INTEGER };
    const text: Comparison[] = [
      await compare(
        `csv ${height} rows, inferred`,
        () => loadTable(csv, all),
        () => pl.readCSV(csv, { tryParseDates: true }),
        { runs: 3, note: "baseline: polars' own inference" },
      ),
      await compare(
        `csv ${WIDE_COLUMNS} columns x 200 rows, inferred`,
        () => loadTable(wide, all),
        () => pl.readCSV(wide, { tryParseDates: true }),
        { runs: 3, note: "baseline: polars' own inference" },
      ),
    ];
    // LOAD_CSV_ONLY=1 leaves NDJSON out (to compare CSV loaders side by side quickly).
    if (!Deno.env.get("LOAD_CSV_ONLY")) {
      text.push(
        await compare(
          `ndjson ${height} rows, inferred`,
          () => loadTable(ndjson, all),
          () => pl.scanJson(ndjson, { inferSchemaLength: null }).collectSync(),
          { runs: 3, note: "baseline: polars' NDJSON reader (whole-file inference)" },
        ),
      );
    }
    report("Text formats: loadTable() vs plain nodejs-polars reads", text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
