/**
 * Runs the KQL documentation cases through the engine and holds its pass rates to
 * `conformance-baseline.json`. One test, so that 376 cases do not swamp the test count; the
 * assertion message lists the first failures of the supported subset.
 *
 * Set `KQL_CONFORMANCE_REPORT=1` to also write `conformance-report.md`; raise the baseline
 * with `deno run -A tests/kql/conformance_report.ts --record`.
 */
import assert from "node:assert/strict";
import { executeKql } from "../../src/kql/mod.ts";
import {
  DEFAULT_CASES_PATH,
  formatReport,
  hasCases,
  loadCases,
  loadSupportedFeatures,
  readBaseline,
  runConformance,
  summaryLine,
} from "./_conformance.ts";

const REPORT_PATH = new URL("./conformance-report.md", import.meta.url);

Deno.test({
  name: "executeKql() passes at least the baseline share of the KQL documentation cases",
  ignore: !(await hasCases()),
  async fn() {
    const cases = await loadCases(DEFAULT_CASES_PATH);
    const baseline = await readBaseline();
    const summary = await runConformance(cases, executeKql, await loadSupportedFeatures());
    console.log(summaryLine(summary, baseline));
    // Slowness is reported apart, never a failure: only a wrong answer (or a hang past the
    // runner's generous limit) counts against the rates.
    const slow = summary.outcomes.filter((o) => o.slow);
    if (slow.length > 0) {
      console.warn(
        `slow cases (not failures): ${
          slow.map((o) => `${o.id} ${Math.round(o.milliseconds)} ms`).join(", ")
        }`,
      );
    }
    if (Deno.env.get("KQL_CONFORMANCE_REPORT") === "1") {
      await Deno.writeTextFile(REPORT_PATH, formatReport(summary, baseline));
    }

    const failures = summary.outcomes.filter((o) => o.inSubset && !o.ok);
    const listed = failures.slice(0, 20).map((o) => `  ${o.id}: ${o.reason}`).join("\n");
    const more = failures.length > 20 ? `\n  ... and ${failures.length - 20} more` : "";
    const hint = "(run `deno run -A tests/kql/conformance_report.ts` for the full report)";
    assert.ok(
      summary.subsetPassRate >= baseline.subsetPassRate,
      `The supported-subset pass rate fell below the baseline: ` +
        `${summary.subsetPassed}/${summary.subsetCases} = ${summary.subsetPassRate.toFixed(3)} < ` +
        `${baseline.subsetPassRate}. First failures ${hint}:\n${listed}${more}`,
    );
    assert.ok(
      summary.wholeFilePassRate >= baseline.wholeFilePassRate,
      `The whole-file pass rate fell below the baseline: ` +
        `${summary.passed}/${summary.cases} = ${summary.wholeFilePassRate.toFixed(3)} < ` +
        `${baseline.wholeFilePassRate} ${hint}. First subset failures:\n${listed}${more}`,
    );
  },
});
