/**
 * The terminal REPL on the demo case, as `casefile repl` starts it, with a start-up load the
 * test drives (run in tmux by `typeahead_tmux_test.ts`): it writes `<signals>/loading` as it
 * starts (the prompt has been drawn); once the file `<signals>/wipe`
 * exists, it erases the cursor's row as Deno's progress line does while a module loads
 * (`ESC[0G ESC[2K ESC[J`, on standard error), says so by writing `<signals>/wiped`, and once
 * `<signals>/done` exists it does the real load (whose own progress lines erase the row
 * again). Arguments: HOME SESSION SIGNALS.
 */
import { join } from "node:path";
import { Repl } from "../../repl/_repl.ts";
import { runTerminal } from "../../repl/_terminal.ts";

const [home, session, signals] = Deno.args;

/** Polls for `file` (the test creates it). */
async function appears(file: string): Promise<void> {
  for (;;) {
    try {
      await Deno.stat(file);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

const repl = await Repl.open({
  home,
  session,
  provider: { kind: "local" },
  output: {
    write: (text) => console.log(text),
    error: (text) => console.error(text),
    columns: () => Deno.consoleSize().columns,
    colors: false,
    interactive: true,
  },
});
await runTerminal(repl, {
  interactive: true,
  banner: `casefile · session ${repl.session.name}`,
  warmUp: async () => {
    await Deno.writeTextFile(join(signals, "loading"), "");
    await appears(join(signals, "wipe"));
    Deno.stderr.writeSync(new TextEncoder().encode("\x1b[0G\x1b[2K\x1b[J"));
    await Deno.writeTextFile(join(signals, "wiped"), "");
    await appears(join(signals, "done"));
    await repl.warmUp();
  },
});
