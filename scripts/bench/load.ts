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

/** Runs the suite; `rows` sizes the CSV and NDJSON files made from SecurityEvent. */
export async function run(options: { rows?: number } = {}): Promise<void> {
  const manifest = await readManifest(DEMO_CASE_DIR);
  if (!manifest) throw new Error(`no manifest in ${DEMO_CASE_DIR}: run deno task fixtures`);
  const rows: Comparison[] = [];
  for (const table of manifest.tables) {
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
  report("Parquet: loadTable() vs pl.readParquet()", rows);

  const events = pl.readParquet(join(DEMO_CASE_DIR, "SecurityEvent.parquet"));
  const wanted = options.rows ?? 1_000_000;
  const copies = Math.max(1, Math.ceil(wanted / events.height));
  const big = pl.concat(Array.from({ length: copies }, () => events)).head(wanted);
  const dir = await Deno.makeTempDir({ prefix: "casefile-bench-" });
  try {
    const csv = join(dir, "SecurityEvent.csv");
    const ndjson = join(dir, "SecurityEvent.ndjson");
    big.writeCSV(csv);
    big.writeJSON(ndjson, { format: "lines" });
    const text: Comparison[] = [
      await compare(
        `csv ${big.height} rows, inferred`,
        () => loadTable(csv, { types: new Map() }),
        () => pl.readCSV(csv, { tryParseDates: true }),
        { runs: 3, note: "baseline: polars' own inference" },
      ),
      await compare(
        `ndjson ${big.height} rows, inferred`,
        () => loadTable(ndjson, { types: new Map() }),
        () =>
          pl.readJSON(Buffer.from(Deno.readFileSync(ndjson)), {
            format: "lines",
            inferSchemaLength: null,
          }),
        { runs: 3, note: "baseline: polars' NDJSON reader" },
      ),
    ];
    report("Text formats: loadTable() vs plain nodejs-polars reads", text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
