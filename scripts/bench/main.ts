/**
 * `deno task bench [suite ...]`: runs benchmark suites, each printing ratios of casefile
 * against a plain baseline measured side by side in the same run.
 *
 * @module
 */
import * as analysis from "./analysis.ts";
import * as enrich from "./enrich.ts";
import * as kql from "./kql.ts";
import * as load from "./load.ts";
import * as repl from "./repl.ts";
import * as responsive from "./responsive.ts";
import * as scale from "./scale.ts";
import * as sentinel from "./sentinel.ts";
import * as session from "./session.ts";

const SUITES: Record<string, { run: (options: { rows?: number }) => Promise<void> }> = {
  load,
  kql,
  sentinel,
  analysis,
  session,
  repl,
  responsive,
  enrich,
  scale,
};

const args = Deno.args.filter((a) => !a.startsWith("--"));
const rowsFlag = Deno.args.find((a) => a.startsWith("--rows="));
const rows = rowsFlag ? Number(rowsFlag.slice("--rows=".length)) : undefined;
const chosen = args.length > 0 ? args : Object.keys(SUITES);
for (const name of chosen) {
  const suite = SUITES[name];
  if (!suite) {
    console.error(`Unknown suite ${name}; suites: ${Object.keys(SUITES).join(", ")}`);
    Deno.exit(2);
  }
  console.log(`== ${name}`);
  await suite.run({ rows });
}
