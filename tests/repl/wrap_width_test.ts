/**
 * Tables fitted to the terminal (issue 19 review): the last column wraps under itself by
 * display columns, never inside a flag, an ideograph or an accented letter; piped output is
 * never wrapped (a script reading `.help` or `.history` gets one row a line, as before).
 * The lines expected are worked out by hand.
 */
import assert from "node:assert/strict";
import { textTable } from "../../repl/_format.ts";
import { pipeRepl } from "./_piped.ts";
import { tempFolder } from "../_helpers.ts";

Deno.test("textTable at a width wraps the last column by display columns", () => {
  // Columns: "a" is 1 wide, so the last one starts at 3; at 30 columns it gets 30 - 3 - 1 =
  // 26 (at least 20). Flags take 2 columns (13 a line), ideographs 2, é (e + U+0301) 1.
  const cell = "🇫🇷".repeat(15) + " 田中太郎 " + "e\u0301".repeat(30);
  assert.deepEqual(textTable(["a", "b"], [["x", cell]], undefined, 30).split("\n"), [
    "a  b",
    "-  " + "-".repeat(26),
    "x  " + "🇫🇷".repeat(13),
    "   " + "🇫🇷".repeat(2) + " 田中太郎",
    "   " + "e\u0301".repeat(26),
    "   " + "e\u0301".repeat(4),
  ]);
  // A first column so wide the last would get under 20: the first wraps too. At 45 columns
  // it gives up 51 + 2 + 20 + 1 - 45 = 29 columns, down to 22.
  const usage = "a b c d e f g h i j k l m n o p q r s t u v w x y z";
  assert.deepEqual(textTable(["usage", "what"], [[usage, "x y"]], undefined, 45).split("\n"), [
    "usage" + " ".repeat(17) + "  what",
    "-".repeat(22) + "  ----",
    "a b c d e f g h i j k" + " " + "  x y",
    "l m n o p q r s t u v",
    "w x y z",
  ]);
  // Without a width (piped), or when it fits, nothing wraps.
  assert.deepEqual(textTable(["a", "b"], [["x", cell]]).split("\n").length, 3);
  assert.deepEqual(textTable(["a", "b"], [["x", "short"]], undefined, 30).split("\n"), [
    "a  b",
    "-  -----",
    "x  short",
  ]);
});

Deno.test("piped REPL: .help and .history rows stay one line each, however narrow COLUMNS is", async () => {
  const run = await pipeRepl(await tempFolder(), "narrow", [
    ".help",
    `const path = "C:/Windows/System32/" + "a".repeat(60)`,
    ".history",
  ], { env: { COLUMNS: "40" } });
  // The longest description, whole on its command's line.
  assert.match(
    run.stdout,
    /^\.rerun N.*--refresh asks the provider again instead of taking cached results/m,
  );
  // The step's value in .history is on the step's own line (its row is not wrapped).
  assert.match(run.stdout, /^\s*1\s.*path.*C:\/Windows\/System32\/a{5}/m);
});
