/**
 * Seeing whole values in the real terminal REPL (through tmux): a user runs a query, shows a
 * row and reads the whole command line, and pages a long table with less.
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert/strict";
import { Buffer } from "node:buffer";
import { programAvailable, Terminal } from "../_tmux.ts";
import { tempDir } from "../_helpers.ts";
import { CRADLE } from "../_demo_tables.ts";

const ignore =
  !(await programAvailable("tmux", ["-V"]) && await programAvailable("less", ["--version"]));
if (ignore) console.warn("tests/repl/display_tmux_test.ts: skipped, tmux or less is missing");

Deno.test({
  name: "in a terminal: .show a row to read the whole command line; a long table in less",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const home = await tempDir("casefile-display-");
    const term = new Terminal();
    try {
      const prompt = await term.startAtPrompt(["--home", home], { PAGER: "less -SRFX", LESS: "" });
      const atPrompt = (screen: string) => screen.endsWith(prompt);

      // The columns DeviceProcessEvents has, as the case's manifest records them.
      const manifest = JSON.parse(
        await Deno.readTextFile(new URL("../../fixtures/demo-case/manifest.json", import.meta.url)),
      );
      const processColumns: number = manifest.tables
        .find((t: { name: string }) => t.name === "DeviceProcessEvents").columns.length;
      // ANSWERS.md, stage 7: the PowerShell download cradle, 2026-03-12T01:52:08Z.
      await term.line(
        "%kql ps = DeviceProcessEvents | where TimeGenerated == datetime(2026-03-12T01:52:08Z) " +
          '| where FileName =~ "powershell.exe"',
      );
      await term.waitFor(/\(ps · step 1 · [\d,]+ ms · cache miss\)\n.*>$/);
      // The table cuts the command line; the record view does not.
      await term.line(".show ps 0 DeviceName,ProcessCommandLine");
      await term.waitUntil(
        "the record and the prompt",
        (s) =>
          s.includes(`row 0 of 1 (0 to 0); ${processColumns - 2} columns not shown`) && atPrompt(s),
      );
      const record = await term.after("row 0 of 1");
      match(record, /\nDeviceName {10}lks-ws-1042\.corp\.larkspurlogistics\.example\n/);
      const value = record.split("\n").slice(2, -1).map((l) =>
        l.replace(/^ProcessCommandLine/, "").trim()
      ).join("");
      const encoded = /-EncodedCommand(\S+)/.exec(value)?.[1];
      ok(encoded, record);
      assertEquals(Buffer.from(encoded, "base64").toString("utf16le"), CRADLE);

      // A table taller than the screen goes through less: its first screen, less's prompt.
      await term.line(
        '%kql flows = DeviceNetworkEvents | where InitiatingProcessFileName == "msedgeupdate.exe" ' +
          "| order by TimeGenerated asc | project TimeGenerated, RemoteIP, RemotePort",
      );
      await term.waitFor(/\(flows · step 2 · [\d,]+ ms · cache miss\)\n.*>$/);
      await term.line(".table flows all");
      const paged = await term.waitUntil(
        "less showing the table",
        (s) => /\n:$/.test(s) && s.includes("TimeGenerated            RemoteIP"),
      );
      const firstScreen = paged.slice(paged.lastIndexOf(".table flows all"));
      ok(!firstScreen.includes("rows × 3 columns"), `the end is not on the first screen`);
      await term.press("G"); // to the end: ANSWERS.md, stage 8: msedgeupdate.exe, 2160 times
      await term.waitFor(/\(2,160 rows × 3 columns\)\n\(END\)$/);
      await term.press("q");
      await term.waitUntil("the prompt after less", atPrompt);
      // The REPL reads keys again (less took none of them from it, nor it from less).
      await term.line("6 * 7");
      await term.waitFor(/> 6 \* 7\n42\n.*>$/);

      // Paging off: the same table is printed (its first rows), no less.
      await term.line(".display pager off rows 5");
      await term.waitFor(/pager +off[\s\S]*>$/);
      await term.line(".table flows");
      await term.waitFor(/\(2,160 rows × 3 columns; first 5 rows shown\)\n.*>$/);
    } finally {
      await term.close();
      await Deno.remove(home, { recursive: true });
    }
  },
});
