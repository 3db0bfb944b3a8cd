/**
 * How an analyst reads a wide result in the real terminal REPL (through tmux): a table that
 * cut a long command line says which row to `.show`, `.show` gives it whole, and `.schema`
 * of SecurityEvent (over 200 columns) goes through the pager instead of scrolling past.
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert/strict";
import { Buffer } from "node:buffer";
import { programAvailable, Terminal } from "../_tmux.ts";
import { tempDir } from "../_helpers.ts";
import { CRADLE } from "../_demo_tables.ts";

const ignore =
  !(await programAvailable("tmux", ["-V"]) && await programAvailable("less", ["--version"]));
if (ignore) console.warn("tests/repl/wide_values_tmux_test.ts: skipped, tmux or less is missing");

Deno.test({
  name: "in a terminal: a cut command line says which row to .show; .schema SecurityEvent pages",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const home = await tempDir("casefile-wide-");
    const term = new Terminal();
    try {
      const prompt = await term.startAtPrompt(["--home", home], { PAGER: "less -SRFX", LESS: "" });
      const atPrompt = (screen: string) => screen.endsWith(prompt);
      // The columns SecurityEvent has, as the case's manifest records them (over 200).
      const manifest = JSON.parse(
        await Deno.readTextFile(new URL("../../fixtures/demo-case/manifest.json", import.meta.url)),
      );
      const columns: string[] = manifest.tables
        .find((t: { name: string }) => t.name === "SecurityEvent").columns
        .map((c: { name: string }) => c.name);
      ok(columns.length > 200, String(columns.length));
      const total = `(${columns.length} columns)`;

      // ANSWERS.md, stage 7: the cradle's process creation (4688) at 2026-03-12T01:52:08Z.
      await term.line(
        "%kql cradle = SecurityEvent | where TimeGenerated == datetime(2026-03-12T01:52:08Z) " +
          "and EventID == 4688 | project TimeGenerated, Computer, CommandLine",
      );
      const table = await term.waitFor(/\(cradle · step 1 · [\d,]+ ms · cache miss\)\n.*>$/);
      match(
        table,
        /\(1 row × 3 columns; values cut, whole with \.show cradle 0\)/,
      );
      await term.line(".show cradle 0 CommandLine");
      await term.waitUntil(
        "the record and the prompt",
        (s) => s.includes("row 0 of 1 (0 to 0); 2 columns not shown") && atPrompt(s),
      );
      const record = await term.after("row 0 of 1");
      const value = record.split("\n").slice(1, -1).map((l) => l.replace(/^CommandLine/, "").trim())
        .join("");
      const encoded = /-EncodedCommand\s*(\S+)/.exec(value)?.[1];
      ok(encoded, record);
      assertEquals(Buffer.from(encoded, "base64").toString("utf16le"), CRADLE);

      // Taller than the screen: less shows the first columns, then the end.
      await term.line(".schema SecurityEvent");
      const paged = await term.waitUntil(
        "less showing the schema",
        (s) => /\n:$/.test(s) && /column +type/.test(s),
      );
      const firstScreen = paged.slice(paged.lastIndexOf(".schema SecurityEvent"));
      ok(!firstScreen.includes(total), "the end is not on the first screen");
      ok(firstScreen.includes(columns[0]), firstScreen);
      await term.press("G");
      const end = await term.waitUntil(
        "the end of the schema",
        (s) => s.endsWith(`${total}\n(END)`),
      );
      match(end, new RegExp(`\\n${columns.at(-1)} +\\w+\\n\\(${columns.length} columns\\)`));
      await term.press("q");
      await term.waitUntil("the prompt after less", atPrompt);
      await term.line("6 * 7");
      await term.waitFor(/> 6 \* 7\n42\n.*>$/);
    } finally {
      await term.close();
      await Deno.remove(home, { recursive: true });
    }
  },
});
