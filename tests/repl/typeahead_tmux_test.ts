/**
 * Keys typed right after the first prompt, while the REPL's heavy parts still load: none is
 * lost, they run in order, and what was typed shows after its prompt even when something
 * erases the cursor's row meanwhile (Deno's progress line does, installing npm packages on
 * a clean clone's first run: a CI run once showed `set host:string …`, its prompt and `.`
 * gone).
 */
import { fail, match } from "node:assert/strict";
import { join } from "node:path";
import { Terminal, tmuxAvailable } from "../_tmux.ts";
import { tempDir } from "../_helpers.ts";

const ignore = !(await tmuxAvailable());

/** Polls (with a deadline) for `file`, which the REPL under test writes. */
async function appears(file: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await Deno.stat(file);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  fail(`timed out waiting for ${file}`);
}

const atPrompt = (screen: string) => screen.endsWith("\nendpoint>");

/** Two inputs typed ahead and what each prints (worked out by hand). */
const ROUNDS: readonly (readonly [string, string])[][] = [
  [[".set host:string LKS-WS-1042", "host (string) = LKS-WS-1042"], [
    "const n = 40 + 2",
    "42",
  ]],
  [["const n = 6 * 7", "42"], [".set user:string j.doe", "user (string) = j.doe"]],
  [[".set host:string LKS-WS-1042", "host (string) = LKS-WS-1042"], [
    ".set host:string LKS-DC-01",
    "host (string) = LKS-DC-01",
  ]],
];

Deno.test({
  name: "keys typed while the REPL loads wait, in order, and show after their prompt",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    for (const [i, [[first, firstOut], [second, secondOut]]] of ROUNDS.entries()) {
      await t.step(`round ${i + 1}: ${first}`, async () => {
        const home = await tempDir("casefile-typeahead-");
        const signals = await tempDir("casefile-typeahead-signals-");
        const term = new Terminal({ script: "tests/repl/_slow_start_repl.ts" });
        try {
          await term.start([home, "endpoint", signals]);
          // The prompt has been drawn (and erased again by Deno, loading the spinner's thread).
          await appears(join(signals, "loading"));
          // Typed at once, before the load ends; the row is erased under it, as Deno does.
          await term.type(first);
          await Deno.writeTextFile(join(signals, "wipe"), "");
          await appears(join(signals, "wiped"));
          await term.press("Enter");
          await term.line(second);
          await Deno.writeTextFile(join(signals, "done"), "");
          const screen = await term.waitUntil(
            "both inputs to run",
            (s) => new RegExp(`(\\n|> )${literal(secondOut)}\\n`).test(s) && atPrompt(s),
          );
          // The first after its prompt, whole; the second (typed ahead, so readline echoes
          // it as the first runs) whole too; they ran in the order typed.
          match(screen, new RegExp(`\\nendpoint> ${literal(first)}\\n`));
          match(screen, new RegExp(`\\n(endpoint> )?${literal(second)}\\n`));
          const ran = screen.slice(screen.indexOf(`endpoint> ${first}`));
          match(
            ran,
            new RegExp(`\\n${literal(firstOut)}\\n[\\s\\S]*(\\n|> )${literal(secondOut)}\\n`),
          );
        } finally {
          await term.close();
        }
      });
    }
  },
});

Deno.test({
  name: "casefile repl: a command typed right after the first prompt runs whole, after it",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    for (let round = 0; round < 3; round++) {
      const home = await tempDir("casefile-typeahead-");
      const term = new Terminal();
      try {
        await term.start(["repl", "--session", "endpoint", "--home", home]);
        await term.waitUntil("the first prompt", atPrompt, 60_000);
        await term.line(".set host:string LKS-WS-1042");
        const screen = await term.waitUntil(
          "the command to run",
          (s) => s.includes("host (string) = ") && atPrompt(s),
        );
        match(
          screen,
          /\(Tab completes; Ctrl-D exits\)\nendpoint> \.set host:string LKS-WS-1042\nhost \(string\) = LKS-WS-1042\nendpoint>$/,
        );
      } finally {
        await term.close();
      }
    }
  },
});

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
