/**
 * Runs the KQL conformance cases through the local engine and prints the Markdown report.
 *
 * ```sh
 * deno run -A tests/kql/conformance_report.ts            # print the report
 * deno run -A tests/kql/conformance_report.ts --record   # also raise tests/kql/conformance-baseline.json
 * ```
 *
 * `--cases PATH` reads another case file. `--record` writes the current rates, rounded
 * down to 3 decimals, as the baseline `tests/kql/conformance_test.ts` holds the engine to.
 *
 * @module
 */
import { executeKql } from "../../src/kql/mod.ts";
import {
  BASELINE_PATH,
  baselineOf,
  DEFAULT_CASES_PATH,
  formatReport,
  loadCases,
  loadSupportedFeatures,
  readBaseline,
  runConformance,
  summaryLine,
  writeBaseline,
} from "./_conformance.ts";

/** Runs the cases, prints the report, and records the baseline when `--record` is given. */
export async function main(args: readonly string[]): Promise<number> {
  const record = args.includes("--record");
  const casesAt = args.indexOf("--cases");
  const casesPath = casesAt >= 0 ? args[casesAt + 1] : DEFAULT_CASES_PATH;
  const unknown = args.filter((a, i) =>
    a !== "--record" && a !== "--cases" && (casesAt < 0 || i !== casesAt + 1)
  );
  if (unknown.length > 0 || (casesAt >= 0 && casesPath === undefined)) {
    console.error("Usage: deno run -A tests/kql/conformance_report.ts [--record] [--cases PATH]");
    return 2;
  }

  const summary = await runConformance(
    await loadCases(casesPath),
    executeKql,
    await loadSupportedFeatures(),
  );
  const previous = await readBaseline().catch(() => undefined);
  console.log(formatReport(summary, previous));
  console.error(summaryLine(summary, previous));
  if (record) {
    const baseline = baselineOf(summary);
    await writeBaseline(baseline);
    console.error(`Recorded ${JSON.stringify(baseline)} in ${BASELINE_PATH.pathname}`);
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
