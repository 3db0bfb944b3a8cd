/**
 * rareValues() and firstSeen() declare their options under their own names (issue 23): the
 * README listed the name given to `defineOptions` as "given twice" and equivalent, but an empty
 * name there loses the options for `.doc` (its "(column)" markers) and for Tab completion, which
 * read the declaration by the function's name. The expected option names are the documented ones
 * (`RareValuesOptions`, `FirstSeenOptions`), listed by hand.
 */
import assert from "node:assert/strict";
import { firstSeen, rareValues } from "../../src/analysis/rarity.ts";
import { AnalysisError } from "../../src/analysis/errors.ts";
import { pl } from "../../src/polars.ts";
import { optionSpecsOf } from "../../src/options.ts";
import { runCasefile, tempDir } from "../_helpers.ts";

Deno.test("mutation/rarity: both functions' options are declared under their own names", () => {
  // Loaded for their declarations; referenced so the import is not dropped.
  assert.equal(typeof rareValues, "function");
  assert.equal(typeof firstSeen, "function");
  const rare = optionSpecsOf("rareValues");
  assert.ok(rare, "rareValues has no declared options");
  assert.deepEqual(Object.keys(rare).sort(), [
    "entity",
    "maxEntities",
    "maxShare",
    "time",
    "value",
  ]);
  const first = optionSpecsOf("firstSeen");
  assert.ok(first, "firstSeen has no declared options");
  assert.deepEqual(Object.keys(first).sort(), ["entity", "since", "time", "value"]);
});

Deno.test("mutation/rarity: a `since` that is no date is an AnalysisError of firstSeen", () => {
  // A harness run's survivor: the error's `analysis` field (the data a caller reads) emptied.
  const events = pl.DataFrame({
    TimeGenerated: [new Date("2026-03-10T00:00:00Z")],
    DeviceName: ["ws-01"],
    FileName: ["cmd.exe"],
  });
  assert.throws(
    () =>
      firstSeen(events, {
        entity: "DeviceName",
        value: "FileName",
        since: "last tuesday" as unknown as Date,
      }),
    (error: unknown) => {
      assert.ok(error instanceof AnalysisError);
      assert.equal(error.analysis, "firstSeen");
      assert.match(error.message, /^firstSeen: the `since` option is not a date/);
      assert.match(error.hint ?? "", /since: new Date\(/);
      return true;
    },
  );
});

Deno.test("mutation/rarity: .doc rareValues marks its column options in the REPL", async () => {
  // As an analyst: rare processes per device on the demo case, then the help for the function.
  const home = await tempDir("casefile-rarity-doc-");
  try {
    const { code, stdout, stderr } = await runCasefile(
      ["repl", "--home", home, "--session", "rare"],
      {
        stdin: [
          "%kql procs = DeviceProcessEvents | take 50",
          'rareValues(procs, { entity: "DeviceName", value: "FileName" }).height > 0',
          ".doc rareValues",
          "",
        ].join("\n"),
      },
    );
    assert.equal(code, 0, stderr);
    const doc = stdout.slice(stdout.indexOf("Options (RareValuesOptions):"));
    assert.ok(doc.startsWith("Options (RareValuesOptions):"), stdout);
    // The three column options are marked; the two numbers are not.
    assert.match(doc, /^ {2}entity +string \| readonly string\[\] \(column\) +The entity column/m);
    assert.match(doc, /^ {2}value +string \| readonly string\[\] \(column\) +The value column/m);
    assert.match(doc, /^ {2}time +string \(column\) +The time column/m);
    assert.match(doc, /^ {2}maxShare +number +A value is rare/m);
    assert.doesNotMatch(doc, /maxShare +number \(column\)/);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test(".doc rareValues marks its column options in a fresh REPL, before any call", async () => {
  // A new analyst's first question: what does rareValues take? Nothing has loaded it yet.
  const home = await tempDir("casefile-rarity-doc-fresh-");
  try {
    const { code, stdout, stderr } = await runCasefile(
      ["repl", "--home", home, "--session", "fresh"],
      { stdin: ".doc rareValues\n" },
    );
    assert.equal(code, 0, stderr);
    const doc = stdout.slice(stdout.indexOf("Options (RareValuesOptions):"));
    assert.match(doc, /^ {2}entity +string \| readonly string\[\] \(column\) +The entity column/m);
    assert.match(doc, /^ {2}time +string \(column\) +The time column/m);
    assert.doesNotMatch(doc, /maxShare +number \(column\)/);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
