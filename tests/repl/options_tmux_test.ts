/**
 * Help at hand and options that cannot be mistyped, as a user meets them in a terminal:
 * `.doc timeChart`, a mistyped chart option (issue 19: `{ y: [...] }` drew the wrong chart
 * without a word), and Tab completing an option's name and a column of the frame.
 */
import { match, ok } from "node:assert/strict";
import { Terminal, tmuxAvailable } from "../_tmux.ts";
import { tempDir } from "../_helpers.ts";

const ignore = !(await tmuxAvailable());

Deno.test({
  name: "the REPL: .doc timeChart, a mistyped option's did-you-mean, Tab in an options object",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const home = await tempDir("casefile-options-");
    const term = new Terminal({ scrollback: 5000 });
    try {
      await term.start(["--home", home]);
      const banner = await term.waitFor(/\n(demo-\d{8}-\d{6})> ?$/);
      ok(banner);

      // The signature, the options with their types and descriptions, the example.
      await term.line(".doc timeChart");
      const doc = await term.waitFor(/Example: [\s\S]*```\n\S+> ?$/);
      const shown = doc.slice(doc.lastIndexOf(".doc timeChart"));
      match(shown, /^timeChart\(frame: DataFrame, options\?: TimeChartOptions\): Chart$/m);
      match(shown, /^Options \(TimeChartOptions\):$/m);
      match(
        shown,
        /^ {2}values +string \| readonly string\[\] \(column\) +Numeric columns to draw/m,
      );
      match(
        shown,
        /^ {2}time +string \(column\) +The datetime column \(default `TimeGenerated`\)/m,
      );
      match(shown, /^ {2}step +number +Bin width in milliseconds/m);
      // Options inherited from the shared chart and axis options are listed too.
      match(shown, /^ {2}title +string +The chart's title/m);
      match(shown, /^ {2}yScale +"linear" \| "log" +Scale of the value axis/m);
      match(shown, /^Example: The beacon's steady heartbeat/m);
      match(shown, /timeChart\(beacon\.frame, \{ step: 60 \* 60 \* 1000/);

      // Failures and successes per hour, then the option mistyped as in the issue.
      await term.line(
        '%kql fails = SigninLogs | summarize Failures = countif(ResultType != "0"), Successes = countif(ResultType == "0") by bin(TimeGenerated, 1h)',
      );
      await term.waitFor(/\(fails · step 1 · /);
      await term.line('timeChart(fails, { y: ["Failures", "Successes"] })');
      const error = await term.waitFor(/unknown option[\s\S]*\n\S+> ?$/);
      match(error, /timeChart: unknown option `y`\. Did you mean `values`\?/);
      match(error, /Options of timeChart: title, width, height, .*values/);
      ok(!/timechart ·|Events over time/.test(error.slice(error.lastIndexOf("{ y:"))), error);

      // Tab completes the option's name, then a column of `fails` inside the list.
      await term.type("timeChart(fails, { val");
      await term.press("Tab");
      await term.waitFor(/timeChart\(fails, \{ values$/m);
      await term.type(': ["Fai');
      await term.press("Tab");
      await term.waitFor(/timeChart\(fails, \{ values: \["Failures$/m);
      await term.type('", "Succ');
      await term.press("Tab");
      await term.waitFor(/\{ values: \["Failures", "Successes$/m);
      await term.type('"] }).title');
      await term.press("Enter");
      const done = await term.waitFor(
        /\{ values: \["Failures", "Successes"\] \}\)\.title\n[\s\S]*\n\S+> ?$/,
      );
      // Both value columns drawn, not a count of rows (what the mistyped option gave).
      match(done.slice(done.lastIndexOf(".title")), /^\.title\nFailures, Successes over time\n/);
    } finally {
      await term.close();
    }
  },
});
