/**
 * The words checkOptions() uses for what was given, written out by hand: null, booleans,
 * Dates, arrays, a value clipped at 40 characters, secrets described by kind only, and
 * the did-you-mean that prefers the closest name (a transposition only among equally close).
 */
import assert from "node:assert/strict";
import { checkOptions, defineOptions, describeOption, OptionError } from "../src/options.ts";

interface ProbeOptions {
  top?: number;
  ids?: unknown[];
  label?: string;
  apiKey?: string;
  column?: string;
}

const PROBE = defineOptions<ProbeOptions>("probe", {
  top: "number",
  ids: "array",
  label: "string",
  apiKey: "string",
  column: "column",
});

function message(options: unknown, frame?: { columns: string[] }): string {
  try {
    checkOptions("probe", options, PROBE, frame);
  } catch (e) {
    assert.ok(e instanceof OptionError, String(e));
    return e.message;
  }
  return "accepted";
}

Deno.test("checkOptions() names what was given: null, a boolean, a Date, an array", () => {
  assert.equal(message({ top: null }), "probe: option `top` must be a number, not null.");
  assert.equal(message({ top: true }), "probe: option `top` must be a number, not boolean true.");
  assert.equal(message({ top: new Date(0) }), "probe: option `top` must be a number, not a Date.");
  assert.equal(message({ top: [1] }), "probe: option `top` must be a number, not an array ([1]).");
  assert.equal(message({ ids: [1, "a"] }), "accepted");
  assert.equal(
    message({ ids: "a,b" }),
    'probe: option `ids` must be an array, not the string "a,b".',
  );
});

Deno.test("checkOptions() shows a string of 40 characters whole and clips a longer one", () => {
  const forty = "x".repeat(38); // quoted: 40 characters
  assert.equal(
    message({ top: forty }),
    `probe: option \`top\` must be a number, not the string "${forty}".`,
  );
  const longer = "x".repeat(39); // quoted: 41 characters, shown as 39 and an ellipsis
  assert.equal(
    message({ top: longer }),
    `probe: option \`top\` must be a number, not the string "${"x".repeat(38)}….`,
  );
});

Deno.test("checkOptions() describes a secret's value by its kind only", () => {
  assert.equal(
    message({ apiKey: new Date(0) }),
    "probe: option `apiKey` must be a string, not a Date.",
  );
  assert.equal(
    message({ apiKey: ["k3y"] }),
    "probe: option `apiKey` must be a string, not an array.",
  );
  assert.equal(
    message({ apiKey: 12345 }),
    "probe: option `apiKey` must be a string, not a number.",
  );
});

Deno.test("checkOptions() suggests the closest column; a transposition wins only among equally close", () => {
  const frame = { columns: ["abce", "abcf", "abcg", "bacd"] };
  // abce, abcf and abcg are one edit away; bacd (a transposition) two: abce, first by name.
  assert.equal(
    message({ column: "abcd" }, frame),
    "probe: no column `abcd` (option `column`). Did you mean `abce`?",
  );
  const tied = { columns: ["titel", "tilte"] };
  assert.equal(
    message({ column: "title" }, tied),
    "probe: no column `title` (option `column`). Did you mean `tilte`?",
  );
});

Deno.test("describeOption() leaves `any` out when other kinds are named", () => {
  assert.equal(describeOption({ kind: "any" }), "any value");
  assert.equal(describeOption({ kind: ["string", "any"] }), "a string");
  assert.equal(describeOption("array"), "an array");
});
