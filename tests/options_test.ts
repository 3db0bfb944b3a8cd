/** The run-time options checker (src/options.ts): unknown options, types, columns, aliases. */
import assert from "node:assert/strict";
import {
  checkOptions,
  defineOptions,
  describeOption,
  OptionError,
  optionSpecsOf,
} from "../src/options.ts";
import { CasefileError } from "../src/errors.ts";

interface PlotOptions {
  time?: string;
  values?: string | readonly string[];
  group?: string;
  title?: string;
  top?: number;
  mark?: "line" | "area";
  stack?: boolean | "normalize";
}

const PLOT = defineOptions<PlotOptions>("plot", {
  time: "column",
  values: { kind: "columns", aliases: ["y"] },
  group: { kind: "column", aliases: ["lane"] },
  title: "string",
  top: "number",
  mark: { oneOf: ["line", "area"] },
  stack: { kind: "boolean", oneOf: ["normalize"] },
});
const frame = { columns: ["TimeGenerated", "Computer", "Failures", "Successes"] };

function refused(message: string, option?: string, hint?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof OptionError && e instanceof CasefileError, String(e));
    assert.equal(e.message, message);
    assert.equal(e.fn, "plot");
    assert.equal(e.option, option);
    if (hint) assert.match(e.hint ?? "", hint);
    return true;
  };
}

Deno.test("checkOptions() takes what is declared, of its kind, and undefined as left out", () => {
  checkOptions("plot", undefined, PLOT, frame);
  checkOptions("plot", {}, PLOT, frame);
  checkOptions(
    "plot",
    {
      time: "TimeGenerated",
      values: ["Failures", "Successes"],
      group: "Computer",
      title: "t",
      top: 3,
      mark: "area",
      stack: "normalize",
    },
    PLOT,
    frame,
  );
  checkOptions("plot", { values: "Failures", stack: false, title: undefined }, PLOT, frame);
});

Deno.test("an unknown option is an error naming the option users meant", () => {
  const all = /^Options of plot: time, values, group, title, top, mark, stack \(\.doc plot/;
  // An alias (the name other tools give it), a near miss, a case slip, nothing close.
  assert.throws(
    () => checkOptions("plot", { y: ["Failures"] }, PLOT, frame),
    refused("plot: unknown option `y`. Did you mean `values`?", "y", all),
  );
  assert.throws(
    () => checkOptions("plot", { lane: "Computer" }, PLOT, frame),
    refused("plot: unknown option `lane`. Did you mean `group`?", "lane"),
  );
  assert.throws(
    () => checkOptions("plot", { titel: "x" }, PLOT, frame),
    refused("plot: unknown option `titel`. Did you mean `title`?", "titel"),
  );
  assert.throws(
    () => checkOptions("plot", { TOP: 3 }, PLOT, frame),
    refused("plot: unknown option `TOP`. Did you mean `top`?", "TOP"),
  );
  assert.throws(
    () => checkOptions("plot", { colour: "red" }, PLOT, frame),
    refused("plot: unknown option `colour`.", "colour", all),
  );
});

Deno.test("a value of the wrong kind is an error saying what fits", () => {
  assert.throws(
    () => checkOptions("plot", { top: "5" }, PLOT, frame),
    refused('plot: option `top` must be a number, not the string "5".', "top"),
  );
  assert.throws(
    () => checkOptions("plot", { top: NaN }, PLOT),
    refused("plot: option `top` must be a number, not number NaN.", "top"),
  );
  assert.throws(
    () => checkOptions("plot", { mark: "bar" }, PLOT),
    refused('plot: option `mark` must be "line" or "area", not the string "bar".', "mark"),
  );
  assert.throws(
    () => checkOptions("plot", { stack: "yes" }, PLOT),
    refused(
      'plot: option `stack` must be true or false or "normalize", not the string "yes".',
      "stack",
    ),
  );
  assert.throws(
    () => checkOptions("plot", { values: ["Failures", 2] }, PLOT),
    refused(
      'plot: option `values` must be a column name or a list of them, not an array (["Failures",2]).',
      "values",
    ),
  );
  assert.throws(
    () => checkOptions("plot", "Failures", PLOT),
    refused('plot: options must be an object, not the string "Failures".'),
  );
});

Deno.test("a column option naming no column of the frame suggests the closest", () => {
  assert.throws(
    () => checkOptions("plot", { group: "Computr" }, PLOT, frame),
    refused(
      "plot: no column `Computr` (option `group`). Did you mean `Computer`?",
      "group",
      /^The frame's columns: TimeGenerated, Computer, Failures, Successes\.$/,
    ),
  );
  assert.throws(
    () => checkOptions("plot", { values: ["Failures", "Sucesses"] }, PLOT, frame),
    refused("plot: no column `Sucesses` (option `values`). Did you mean `Successes`?", "values"),
  );
  assert.throws(
    () => checkOptions("plot", { time: "When" }, PLOT, frame),
    refused("plot: no column `When` (option `time`).", "time"),
  );
  // Without a frame, columns are the caller's to check.
  checkOptions("plot", { group: "Computr" }, PLOT);
});

Deno.test("declarations are registered by name and described in words", () => {
  assert.equal(optionSpecsOf("plot"), PLOT);
  assert.equal(optionSpecsOf("nothing"), undefined);
  assert.equal(describeOption(PLOT.values), "a column name or a list of them");
  assert.equal(describeOption(PLOT.stack), 'true or false or "normalize"');
});

Deno.test("tsc holds a declaration to its options interface", () => {
  // Each line fails to type-check if the declaration may drift from the interface: then
  // the @ts-expect-error is unused and `deno test` (which type-checks) fails.
  // @ts-expect-error an option the interface does not have
  defineOptions<{ a?: string }>("drift1", { a: "string", b: "number" });
  // @ts-expect-error an option of the interface left undeclared
  defineOptions<{ a?: string; b?: number }>("drift2", { a: "string" });
  // @ts-expect-error a kind that does not exist
  defineOptions<{ a?: string }>("drift3", { a: "text" });
});
