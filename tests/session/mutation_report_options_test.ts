/**
 * exportReport() declares its options under its own name (issue 23): the README listed the name
 * given to `defineOptions` as "given twice" and equivalent, but an empty name there loses the
 * options for Tab completion and `.doc`, which read the declaration by the function's name. The
 * expected option names are the documented ones (`ExportReportOptions`), listed by hand.
 */
import assert from "node:assert/strict";
import { exportReport } from "../../src/session/export_report.ts";
import { optionSpecsOf } from "../../src/options.ts";
import { Terminal, tmuxAvailable } from "../_tmux.ts";
import { tempDir } from "../_helpers.ts";

Deno.test("mutation/report: exportReport's options are declared under its own name", () => {
  assert.equal(typeof exportReport, "function"); // loaded for its declaration
  const specs = optionSpecsOf("exportReport");
  assert.ok(specs, "exportReport has no declared options");
  assert.deepEqual(Object.keys(specs).sort(), [
    "cellWidth",
    "columns",
    "format",
    "path",
    "renderChart",
    "rows",
  ]);
});

Deno.test({
  name: "mutation/report: Tab completes exportReport's option names in the REPL",
  ignore: !(await tmuxAvailable()),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const home = await tempDir("casefile-report-tab-");
    const term = new Terminal({ scrollback: 2000 });
    try {
      await term.start(["--home", home]);
      await term.waitFor(/\n(demo-\d{8}-\d{6})> ?$/);
      // Prefixes no name in scope shares (`for` would also complete to globals' `format…`).
      await term.type("exportReport(session, { cellW");
      await term.press("Tab");
      await term.waitFor(/exportReport\(session, \{ cellWidth$/m);
      await term.type(": 20, renderC");
      await term.press("Tab");
      await term.waitFor(/exportReport\(session, \{ cellWidth: 20, renderChart$/m);
    } finally {
      await term.close();
      await Deno.remove(home, { recursive: true });
    }
  },
});
