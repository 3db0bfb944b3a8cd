/**
 * What `casefile summary` prints: a local case's tables with row counts and time spans, and
 * its outside data; or a workspace's tables.
 *
 * @module
 */
import { columnValues, pl } from "../src/polars.ts";
import type { LocalProvider, LocalTable, Provider } from "../src/providers/mod.ts";
import { count, textTable, utc } from "./_format.ts";
import { CasefileError } from "../src/errors.ts";
import { DataLoadError } from "../src/data/mod.ts";

/** One line per table: rows, columns and the span of `TimeGenerated`. */
export async function summariseCase(provider: LocalProvider): Promise<string> {
  const out: string[] = [];
  const manifest = provider.manifest;
  out.push(`casefile: ${provider.description}`);
  if (manifest) {
    if (manifest.description) out.push(manifest.description);
    out.push(
      `Data from ${utc(new Date(manifest.timeRange.start))} to ` +
        `${utc(new Date(manifest.timeRange.end))} UTC; "now" in this case is ` +
        `${utc(provider.referenceTime)} UTC.`,
    );
  }
  out.push("");
  const infos = await provider.tables();
  // A damaged table is one line of the summary (and its error below), never the end of it.
  const damaged: string[] = [];
  const rows = await Promise.all(infos.map(async (info) => {
    try {
      const table = await provider.table(info.name);
      // From the lazy table: a scanned table larger than memory reads only TimeGenerated.
      const [first, last] = timeSpan(table);
      return [info.name, count(table.rows), String(info.columns.length), first, last];
    } catch (error) {
      if (!(error instanceof CasefileError)) throw error;
      damaged.push(`  ${info.name}: ${error.message}`);
      return [info.name, "damaged", String(info.columns.length), "", ""];
    }
  }));
  out.push(textTable(["table", "rows", "columns", "first TimeGenerated", "last"], rows));
  if (damaged.length > 0) out.push("", "Damaged (the other tables answer):", ...damaged);
  const external = provider.externalData;
  if (external.length > 0) {
    out.push("", "Outside data:");
    for (const e of external) out.push(`  ${e.name.padEnd(20)} ${e.source}`);
  }
  const warned = await Promise.all(
    infos.filter((i) => !damaged.some((d) => d.startsWith(`  ${i.name}: `)))
      .map((i) => provider.table(i.name)),
  );
  const warnings = warned.flatMap((t) => t.warnings.map((w) => `  ${t.schema.name}: ${w.message}`));
  if (warnings.length > 0) out.push("", "Warnings:", ...warnings);
  return out.join("\n");
}

/**
 * A workspace's summary: what it is, and its tables with their columns. Rows and time spans
 * are not counted: that would scan the workspace's whole retention.
 */
export async function summariseWorkspace(provider: Provider): Promise<string> {
  const tables = await provider.tables();
  return [
    `casefile: ${provider.description}`,
    "",
    textTable(["table", "columns"], tables.map((t) => [t.name, String(t.columns.length)])),
    "",
    `${count(tables.length)} tables (rows are not counted: that would scan the workspace).`,
    "Try:",
    `  deno task casefile --provider sentinel query "SecurityAlert | where TimeGenerated > ` +
    `ago(1d) | summarize count() by AlertName"`,
    "  deno task casefile --provider sentinel schema SigninLogs",
  ].join("\n");
}

function timeSpan(table: LocalTable): [string, string] {
  const column = table.schema.columns.find((c) => c.name === "TimeGenerated");
  if (table.rows === 0 || column?.type !== "datetime") return ["", ""];
  // Synchronously: Polars may panic on a damaged page of a file without a recorded hash,
  // which aborts the process from the asynchronous collect (nodejs-polars 0.25.2).
  let span;
  try {
    span = table.lazy.select(
      pl.col("TimeGenerated").min().alias("first"),
      pl.col("TimeGenerated").max().alias("last"),
    ).collectSync();
  } catch (cause) {
    throw new DataLoadError(
      `Cannot read table ${table.schema.name}: its TimeGenerated column does not decode (${
        String((cause as Error)?.message ?? cause).split("\n")[0]
      })`,
      { file: "", cause, hint: "Copy or export the table's file again." },
    );
  }
  const [first] = columnValues<Date>(span, "first");
  const [last] = columnValues<Date>(span, "last");
  return [utc(first), utc(last)];
}
