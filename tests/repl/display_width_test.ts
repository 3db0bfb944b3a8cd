/**
 * Terminal columns, not string length: CJK characters and emoji take two columns, combining
 * marks and ANSI escapes none. Tables line up by display width (piped REPL, exact lines
 * worked out by hand), and the pager starts for a line whose characters fit the screen but
 * whose columns do not (the REPL in tmux, 160 columns wide).
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { displayWidth, fitWidth, padWidth } from "../../src/display/mod.ts";
import { needsPager } from "../../repl/_pager.ts";
import { frameTable, textTable } from "../../repl/_format.ts";
import { gridText } from "../../repl/_cli_output.ts";
import { pl } from "../../src/polars.ts";
import { pipeRepl } from "./_piped.ts";
import { Terminal } from "../_tmux.ts";
import { tempFolder } from "../_helpers.ts";

Deno.test("displayWidth: columns a terminal gives each kind of character", () => {
  // Counted by hand from Unicode's East Asian Width (W/F = 2) and general categories.
  const cases: Array<[string, number]> = [
    ["", 0],
    ["admin", 5],
    ["田中太郎", 8], // CJK ideographs, W
    ["한국어", 6], // Hangul syllables, W
    ["ｶﾀｶﾅ", 4], // halfwidth katakana, H: one each
    ["ＡＢ", 4], // fullwidth Latin, F
    ["e\u0301", 1], // e + combining acute (Mn)
    ["Jose\u0301", 4],
    ["a\u200bb", 2], // zero-width space (Cf)
    ["🔥", 2], // Emoji_Presentation
    ["👩‍💻", 2], // a ZWJ sequence is one picture
    ["🇫🇷", 2], // a flag: two regional indicators
    ["❤️", 2], // text-default heart + VS16
    ["©", 1], // text presentation
    ["\x1b[31mred\x1b[0m", 3], // SGR colours
    ["\x1b]8;;https://example.com\x07link\x1b]8;;\x07", 4], // OSC 8 hyperlink
    ["x🔥田", 5],
  ];
  for (const [text, width] of cases) {
    assertEquals(displayWidth(text), width, JSON.stringify(text));
  }
  assertEquals(fitWidth("田中太郎", 5), { text: "田中", width: 4 });
  assertEquals(fitWidth("e\u0301e\u0301e\u0301", 2), { text: "e\u0301e\u0301", width: 2 });
  assertEquals(padWidth("田中", 6), "田中  ");
  assertEquals(padWidth("7", 3, "start"), "  7");
});

Deno.test("needsPager measures lines in columns", () => {
  const screen = { rows: 24, columns: 10 };
  assertEquals(needsPager("田中太郎田", screen), false); // 10 columns: fits exactly
  assertEquals(needsPager("田中太郎田中", screen), true); // 6 characters, 12 columns
  assertEquals(needsPager("e\u0301".repeat(10), screen), false); // 20 code units, 10 columns
  assertEquals(needsPager(`\x1b[1m${"x".repeat(10)}\x1b[0m`, screen), false); // 18 units
  assertEquals(needsPager("🔥".repeat(6), screen), true); // 12 units, 12 columns
  assertEquals(needsPager("x".repeat(11), screen), true);
});

Deno.test("text tables pad by display width", () => {
  // Name column: max(4, 8, 3, 4, 3) = 8 columns; Count: max(5, 1, 2, 1, 3) = 5, right-aligned.
  const table = textTable(["Name", "Count"], [
    ["田中太郎", "3"],
    ["bob", "12"],
    ["Jose\u0301", "7"],
    ["🔥x", "100"],
  ]);
  assertEquals(table.split("\n"), [
    "Name      Count",
    "--------  -----",
    "田中太郎      3",
    "bob          12",
    "Jose\u0301          7",
    "🔥x         100",
  ]);
  // The wrapping grid of the CLI: a 9-column cell holds four ideographs (8 columns) a line.
  const grid = gridText(pl.DataFrame({ City: ["東京都千代田区丸の内", "Oslo"], N: [1, 22] }), {
    cellWidth: 9,
    maxLines: 3,
  });
  assertEquals(grid.split("\n"), [
    "City        N",
    "---------  --",
    "東京都千    1", // 8 columns + 1 pad + 2 between + " 1"
    "代田区丸",
    "の内",
    "Oslo       22",
  ]);
});

Deno.test("the REPL's table of CJK names, accented names and emoji lines up", async () => {
  const home = await tempFolder();
  const run = await pipeRepl(home, "widths", [
    '%kql t = datatable(Name:string, Count:long)["田中太郎", 3, "bob", 12, "Jose\\u0301", 7, "🔥x", 100]',
  ]);
  assertEquals(run.code, 0, run.stderr);
  const lines = run.stdout.split("\n");
  const start = lines.indexOf("Name      Count");
  ok(start >= 0, run.stdout);
  // Every row ends at column 15, as the header does: 8 + 2 + 5.
  assertEquals(lines.slice(start, start + 6), [
    "Name      Count",
    "--------  -----",
    "田中太郎      3",
    "bob          12",
    "Jose\u0301          7",
    "🔥x         100",
  ]);
  for (const line of lines.slice(start, start + 6)) assertEquals(displayWidth(line), 15, line);

  // A cell is cut at 40 columns, not 40 characters: 19 ideographs (38 columns) and "…".
  const long = await pipeRepl(home, "widths", ['%kql l = print Name = strrep("東京", 30)']);
  assertEquals(long.code, 0, long.stderr);
  const cut = long.stdout.split("\n");
  const at = cut.indexOf("Name");
  assertEquals(cut.slice(at, at + 3), ["Name", "-".repeat(39), "東京".repeat(9) + "東…"]);
});

async function tmuxInstalled(): Promise<boolean> {
  try {
    return (await new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" })
      .output()).success;
  } catch {
    if (Deno.env.get("CI") === "true") throw new Error("tmux is missing under CI");
    return false;
  }
}

Deno.test({
  name: "in a terminal: a table 90 characters but 180 columns wide goes through the pager",
  ignore: !(await tmuxInstalled()),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const home = await tempFolder();
    // A pager that keeps what it was given and says so on the screen.
    const paged = `${home}/paged.txt`;
    const script = `${home}/pager.sh`;
    await Deno.writeTextFile(
      script,
      `cat > '${paged}'\necho "PAGER GOT $(wc -l < '${paged}') LINES"\n`,
    );
    const term = new Terminal();
    try {
      await term.start(["--home", home], { PAGER: `sh '${script}'` });
      await term.waitFor(/\n(demo-\d{8}-\d{6})>$/);
      await term.line(".display width full");
      // (Not waiting for the prompt here: after `.display` it is sometimes not redrawn.)
      await term.waitFor(/width +full[\s\S]*images +auto/);
      // 90 ASCII characters: 90 columns, under the 160 of the screen, printed.
      await term.line('%kql a = print Name = strrep("ab", 45)');
      await term.waitFor(/\(a · step 1 · [\d,]+ ms · cache miss\)\n.*>$/);
      ok(!(await term.screen()).includes("PAGER GOT"), "a fitting table is not paged");
      // 90 ideographs: 180 columns, wider than the screen, paged.
      await term.line('%kql w = print Name = strrep("東京", 45)');
      await term.waitFor(/PAGER GOT \d+ LINES[\s\S]*>$/);
      ok((await Deno.readTextFile(paged)).includes("東京".repeat(45)));
    } finally {
      await term.close();
    }
  },
});

Deno.test("frameTable's note of left-out CJK columns wraps to the width in columns", () => {
  // 12 columns named with 7 ideographs and a digit (15 columns each) left out at width 40:
  // the note "12 more columns: 列名前の長い列0, …" must break by columns, not by length.
  const columns: Record<string, string[]> = { a: ["x".repeat(30)] };
  for (let i = 0; i < 12; i++) columns[`列名前の長い列${i}`] = ["v"];
  const text = frameTable(pl.DataFrame(columns), { width: 40 });
  ok(text.includes("12 more columns: 列名前の長い列0,"), text);
  for (const line of text.split("\n")) {
    ok(displayWidth(line) <= 40, `${displayWidth(line)}: ${line}`);
  }
});
