/**
 * Enrichment benchmark: IoC extraction over command lines sampled from the demo case and
 * perturbed (numbers changed, indicators inserted) next to a plain single-regex scan of
 * the same strings; geo/ASN lookups on a DataFrame column next to the plain mmdb reader
 * called row by row. Throughput is printed as MB/s and rows/s.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { Reader } from "mmdb-lib";
import { pl } from "../../src/polars.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { extractIocsFrame } from "../../src/enrich/ioc.ts";
import { stringSeries } from "../../src/enrich/_ioc_frame.ts";
import { GeoIpDatabase } from "../../src/enrich/geoip.ts";
import { bundledCityPaths } from "../../src/enrich/_geo_data.ts";
import { Prng } from "../demo_case/_prng.ts";
import { compare, type Comparison, report } from "./_measure.ts";

/** Runs the suite; `rows` sizes both columns (default 1,000,000). */
export async function run(options: { rows?: number } = {}): Promise<void> {
  const rows = options.rows ?? 1_000_000;
  await iocs(rows);
  await geo(rows);
}

async function commandLines(rows: number): Promise<string[]> {
  const provider = await openLocalProvider();
  const a = (await provider.table("SecurityEvent")).frame.getColumn("CommandLine").toArray();
  const b = (await provider.table("DeviceProcessEvents")).frame.getColumn("ProcessCommandLine")
    .toArray();
  const source = [...new Set([...a, ...b].filter((x): x is string => typeof x === "string"))];
  const prng = new Prng("bench-iocs");
  const out: string[] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    let line = source[prng.int(source.length)].replace(
      /\d+/g,
      (d) => String(prng.int(10 ** Math.min(d.length, 6))).padStart(d.length, "0"),
    );
    if (prng.chance(0.1)) {
      line += ` 198.51.${prng.int(256)}.${prng.int(256)} hxxps://cdn${prng.int(999)}[.]example/p`;
    }
    if (prng.chance(0.02)) line += ` ${prng.hex(64)}`;
    out[i] = line;
  }
  return out;
}

async function iocs(rows: number): Promise<void> {
  const lines = await commandLines(rows);
  const frame = pl.DataFrame({ CommandLine: lines });
  const mb = lines.reduce((n, l) => n + l.length, 0) / 1e6;
  const distinct = new Set(lines).size;
  const baseline = () => countMatches(lines, /\b(?:\d{1,3}\.){3}\d{1,3}\b/g);
  const results: Comparison[] = [];
  let found = 0;
  results.push(
    await compare(
      `extractIocsFrame, every row scanned (${rows} rows, ${mb.toFixed(0)} MB)`,
      () => (found = extractIocsFrame(frame, { columns: "CommandLine", dedupe: false }).height),
      baseline,
      { runs: 3, note: "baseline: one IPv4 regex over the same strings" },
    ),
  );
  results.push(
    await compare(
      `extractIocsFrame, distinct values (${distinct} distinct)`,
      () => extractIocsFrame(frame, { columns: "CommandLine" }).height,
      baseline,
      { runs: 3, note: "default: each distinct line scanned once" },
    ),
  );
  // What any extractor written in JS pays whatever its scanner: the column's text out of
  // Polars, the indicators' values back in, and one look at every character. Measured in the
  // same run to show how much of the budget each takes on its own.
  const values = extractIocsFrame(frame, { columns: "CommandLine", dedupe: false })
    .getColumn("value").toArray() as unknown as string[];
  const valueMb = values.reduce((n, v) => n + v.length, 0) / 1e6;
  results.push(
    await compare(
      `floor: the column's text out of Polars`,
      () => frame.getColumn("CommandLine").toArray().length,
      baseline,
      { runs: 3, note: "Series.toArray(), no scanning" },
    ),
    await compare(
      `floor: ${values.length} values (${valueMb.toFixed(0)} MB) into Polars`,
      () => stringSeries("value", values).length,
      baseline,
      { runs: 3, note: "as extractIocsFrame builds its value column" },
    ),
    await compare(
      "floor: a JS loop reading each character once",
      () => everyCharacter(lines),
      baseline,
      { runs: 3, note: "charCodeAt and a table lookup" },
    ),
    await compare(
      "floor: one regex for dotted-name candidates",
      () => countMatches(lines, /\b[a-z0-9][a-z0-9-]*\./gi),
      baseline,
      { runs: 3, note: "finding domains means visiting every word" },
    ),
  );
  report("IoC extraction: all types vs a plain single-regex scan (target ratio <= 2)", results, 2);
  for (const r of results.slice(0, 2)) {
    console.log(
      `  ${r.name}: ${(mb / (r.candidateMs / 1000)).toFixed(1)} MB/s, ` +
        `${Math.round(rows / (r.candidateMs / 1000))} rows/s ` +
        `(plain scan ${(mb / (r.baselineMs / 1000)).toFixed(1)} MB/s); ${found} indicators`,
    );
  }
}

/** How many times the global regex `re` matches in `lines`. */
function countMatches(lines: readonly string[], re: RegExp): number {
  let n = 0;
  for (const line of lines) {
    re.lastIndex = 0;
    while (re.exec(line) !== null) n++;
  }
  return n;
}

const TOKEN_CHARACTERS = (() => {
  const table = new Uint8Array(65536);
  for (const c of "\\/:@.[({%") table[c.charCodeAt(0)] = 1;
  return table;
})();

/** How many characters of `lines` could open or join an indicator, each read once. */
function everyCharacter(lines: readonly string[]): number {
  let n = 0;
  for (const line of lines) {
    for (let i = 0; i < line.length; i++) n += TOKEN_CHARACTERS[line.charCodeAt(i)];
  }
  return n;
}

async function geo(rows: number): Promise<void> {
  const prng = new Prng("bench-geo");
  const pool = Array.from({ length: 50_000 }, () => {
    if (prng.chance(0.2)) return `10.${prng.int(256)}.${prng.int(256)}.${prng.int(256)}`;
    return `${1 + prng.int(223)}.${prng.int(256)}.${prng.int(256)}.${prng.int(256)}`;
  });
  const ips = Array.from({ length: rows }, () => pool[prng.int(pool.length)]);
  const frame = pl.DataFrame({ ip: ips });
  const db = await GeoIpDatabase.open();
  const reader = new Reader(Buffer.from(await Deno.readFile(bundledCityPaths().ipv4)));
  const unique = [...new Set(ips)];
  const results: Comparison[] = [
    await compare(
      `geo+ASN on a column (${rows} rows, ${unique.length} distinct)`,
      () => db.lookupFrame(frame, { column: "ip" }),
      () => ips.map((ip) => reader.get(ip)),
      { runs: 3, note: "baseline: mmdb-lib get() per row, city only" },
    ),
    await compare(
      `geo+ASN of ${unique.length} distinct addresses`,
      () => unique.map((ip) => db.lookup(ip)),
      () => unique.map((ip) => reader.get(ip)),
      { runs: 3, note: "baseline: mmdb-lib get(), city only" },
    ),
  ];
  report("Geo-IP and ASN: lookupFrame vs the plain mmdb reader", results);
  console.log(
    `  column: ${Math.round(rows / (results[0].candidateMs / 1000))} rows/s ` +
      `(plain reader ${Math.round(rows / (results[0].baselineMs / 1000))} rows/s); ` +
      `distinct: ${Math.round(unique.length / (results[1].candidateMs / 1000))} lookups/s`,
  );
}
