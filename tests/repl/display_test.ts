/**
 * The REPL's display machinery: the pager's choice, inline images' escape sequences (per
 * the kitty graphics protocol and iTerm2's inline images), casefile objects' own text, and
 * the `.show`, `.table`, `.display` commands.
 */
import { deepStrictEqual as assertEquals, match, ok, throws } from "node:assert/strict";
import { Buffer } from "node:buffer";
import { needsPager, pagerCommand, runPager } from "../../repl/_pager.ts";
import { imageProtocol, itermImage, KITTY_CHUNK, kittyImage } from "../../repl/_image.ts";
import { defaultDisplaySettings, formatValue } from "../../repl/_display.ts";
import { changeDisplay, showRecord, showTable, type ViewHost } from "../../repl/_record.ts";
import { openLocalProvider } from "../../src/providers/mod.ts";
import { buildProcessTree } from "../../src/analysis/mod.ts";
import { barChart } from "../../src/viz/mod.ts";
import { pl } from "../../src/polars.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("the pager: only for text taller or wider than the screen", () => {
  const screen = { rows: 10, columns: 40 };
  assertEquals(needsPager("a\nb\nc", screen), false);
  assertEquals(needsPager(Array(10).fill("x").join("\n"), screen), true);
  assertEquals(needsPager("x".repeat(41), screen), true);
  assertEquals(needsPager("x".repeat(40), screen), false);
});

Deno.test("the pager: $PAGER first, empty means none, else less -SRFX when installed", () => {
  const lessIn = (dir: string) => (path: string) => path === `${dir}/less`;
  assertEquals(pagerCommand(env({ PAGER: "most", PATH: "/usr/bin" }), lessIn("/usr/bin")), {
    command: "most",
  });
  assertEquals(pagerCommand(env({ PAGER: "", PATH: "/usr/bin" }), lessIn("/usr/bin")), undefined);
  assertEquals(pagerCommand(env({ PATH: "/bin:/usr/bin" }), lessIn("/usr/bin")), {
    command: "less -SRFX",
  });
  assertEquals(pagerCommand(env({ PATH: "/bin" }), lessIn("/usr/bin")), undefined);
});

Deno.test("the pager: a pager that fails shows nothing, so the text is printed instead", () => {
  // `false` exits 1 without showing anything; `cat >/dev/null` "shows" it and exits 0.
  assertEquals(runPager("some text", { command: "false" }), false);
  assertEquals(runPager("some text", { command: "no-such-pager-casefile" }), false);
  assertEquals(runPager("some text", { command: "cat >/dev/null" }), true);
});

Deno.test("inline images: the terminal is told from the environment, never inside tmux", () => {
  assertEquals(imageProtocol(env({ TERM: "xterm-kitty" })), "kitty");
  assertEquals(imageProtocol(env({ KITTY_WINDOW_ID: "1", TERM: "xterm-256color" })), "kitty");
  assertEquals(imageProtocol(env({ TERM_PROGRAM: "iTerm.app" })), "iterm");
  assertEquals(imageProtocol(env({ TERM_PROGRAM: "WezTerm" })), "iterm");
  assertEquals(imageProtocol(env({ TERM: "xterm-256color" })), undefined);
  assertEquals(imageProtocol(env({ TERM_PROGRAM: "iTerm.app", TMUX: "/tmp/t,1,0" })), undefined);
});

/** A PNG-like payload: the signature, then bytes (base64 of 10,000 bytes is 13,336 long). */
const PNG = Uint8Array.from(
  { length: 10_000 },
  (_, i) => i < 8 ? [137, 80, 78, 71, 13, 10, 26, 10][i] : i % 251,
);

Deno.test("kitty graphics: a=T,f=100 first, chunks of at most 4096 base64, m=1 then m=0", () => {
  const text = kittyImage(PNG);
  // deno-lint-ignore no-control-regex
  const commands = [...text.matchAll(/\x1b_G([^;]*);([A-Za-z0-9+/=]*)\x1b\\/g)];
  assertEquals(text, commands.map((c) => c[0]).join("") + "\n", "nothing between the commands");
  assertEquals(commands.length, Math.ceil(Math.ceil(PNG.length / 3) * 4 / KITTY_CHUNK));
  assertEquals(commands[0][1], "a=T,f=100,q=2,m=1");
  for (const c of commands.slice(1, -1)) assertEquals(c[1], "m=1");
  assertEquals(commands.at(-1)![1], "m=0");
  for (const c of commands) ok(c[2].length <= 4096 && c[2].length % 4 === 0);
  const data = Buffer.from(commands.map((c) => c[2]).join(""), "base64");
  assertEquals(new Uint8Array(data), PNG);
});

Deno.test("iTerm2 inline image: OSC 1337 File= with name, size, inline=1, then the PNG", () => {
  const text = itermImage(PNG, "bar.png");
  // deno-lint-ignore no-control-regex
  const m = /^\x1b\]1337;File=([^:]*):([A-Za-z0-9+/=]+)\x07\n$/.exec(text);
  ok(m, JSON.stringify(text.slice(0, 80)));
  const args = Object.fromEntries(m[1].split(";").map((kv) => kv.split("=", 2)));
  // The name is base64 too: its own "=" padding is kept whole.
  assertEquals(m[1].split(";")[0], `name=${Buffer.from("bar.png").toString("base64")}`);
  assertEquals(args.size, "10000");
  assertEquals(args.inline, "1");
  assertEquals(new Uint8Array(Buffer.from(m[2], "base64")), PNG);
});

Deno.test("casefile objects print as their own text: a process tree, a chart", async () => {
  const provider = await openLocalProvider();
  // ANSWERS.md, stage 7: the cradle at 2026-03-12T01:52:08Z, under explorer.exe on LKS-WS-1042.
  const { frame } = await provider.query(
    "DeviceProcessEvents | where TimeGenerated == datetime(2026-03-12T01:52:08Z)",
  );
  const text = formatValue(buildProcessTree(frame), { width: 120, colors: false });
  ok(!text.includes("ProcessTree {"), text);
  match(text, /^process tree: \d+ processes/);
  match(text, /explorer\.exe \[\d+\][\s\S]*\n\s*└─ powershell\.exe \[\d+\]/);
  const chart = barChart(pl.DataFrame({ FileName: ["a", "a", "b"] }), { category: "FileName" });
  assertEquals(
    formatValue(chart, { width: 120, colors: false }),
    'bar chart "Rows by FileName" (3 rows)',
  );
});

function host(vars: Record<string, unknown>): ViewHost & { shown: string[] } {
  const shown: string[] = [];
  return {
    shown,
    output: { columns: () => 80 },
    evaluator: { vars },
    display: defaultDisplaySettings(),
    showText: (text) => void shown.push(text),
  };
}

Deno.test(".show, .table and .display: rows, columns, settings, and clear errors", () => {
  const spray = pl.DataFrame({
    IPAddress: ["203.0.113.61", "203.0.113.88", "203.0.113.45"],
    Failures: [412, 389, 377],
  });
  const h = host({ spray, n: 3 });
  showRecord(h, ["spray"]);
  assertEquals(h.shown.at(-1), "row 0 of 3 (0 to 2)\nIPAddress  203.0.113.61\nFailures   412");
  showRecord(h, ["spray", "-1", "Failures"]);
  assertEquals(h.shown.at(-1), "row 2 of 3 (0 to 2); 1 columns not shown\nFailures  377");
  showTable(h, ["spray", "IPAddress", "2"]);
  match(
    h.shown.at(-1)!,
    /^IPAddress\n-+\n203\.0\.113\.61\n203\.0\.113\.88\n\(3 rows × 2 columns; first 2 rows shown; 1 column chosen\)$/,
  );
  throws(() => showTable(h, ["spray", "0"]), /at least one row/);
  changeDisplay(h, ["width", "full", "pager", "off", "rows", "50"]);
  assertEquals([h.display.width, h.display.pager, h.display.rows], ["full", false, 50]);
  throws(() => showRecord(h, ["sprey"]), /no variable sprey[\s\S]*/);
  throws(() => showRecord(h, ["sprey"]), (e: { hint: string }) => /`spray`/.test(e.hint));
  throws(() => showRecord(h, ["n"]), /n is a number, not a table/);
  throws(
    () => changeDisplay(h, ["widht", "full"]),
    (e: { hint: string }) => /`width`/.test(e.hint),
  );
  throws(() => changeDisplay(h, ["pager", "maybe"]), /pager takes on or off, not maybe/);
  // Every wrong value says what to type instead.
  for (const [key, value] of [["pager", "maybe"], ["images", "yes"], ["rows", "0"]]) {
    throws(
      () => changeDisplay(h, [key, value]),
      (e: { hint?: string }) => e.hint?.startsWith(`.display ${key} `) === true,
    );
  }
  throws(() => changeDisplay(h, ["width"]), /width needs a value/);
});
