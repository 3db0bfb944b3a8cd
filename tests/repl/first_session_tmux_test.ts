/**
 * Stumbles of a new investigator's first session on the demo case, through the front doors
 * (issue N1): a query typed with an unclosed quote, a variable a resumed session could not
 * restore, and the documented `deno task jupyter:install` on a Debian Jupyter. Expected
 * counts are the demo case's answer key (fixtures/demo-case/ANSWERS.md, stage 1: "9 with
 * 50057 (disabled leavers)"); the process tree's chain is the lsass dump of stage 11.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Terminal, tmuxAvailable } from "../_tmux.ts";
import { hasNbconvert, PYTHON, tempFolder } from "../_helpers.ts";
import { pipeRepl } from "./_piped.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const hasTmux = await tmuxAvailable();

Deno.test({
  name: "an unclosed quote typed in the REPL fails at once, naming it; the prompt comes back",
  ignore: !hasTmux,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const home = await tempFolder();
    const t = new Terminal();
    try {
      await t.start(["repl", "--home", home, "--session", "quote"]);
      await t.waitFor(/quote>/);
      await t.line(`%kql SigninLogs | where ResultType == '50057 | count`);
      // Before: a "..." prompt that an empty line did not end, with no word of why.
      const screen = await t.waitFor(/unterminated string literal at line 1, column 34/);
      assert.doesNotMatch(screen, /^\.\.\. /m);
      await t.waitFor(/^quote>\s*$/m);
      await t.line(`%kql leavers = SigninLogs | where ResultType == '50057' | count`);
      await t.waitFor(/\(leavers · step 2/);
      await t.line("leavers.getColumn('Count').toArray()");
      await t.waitFor(/\[ 9n? \]/);
    } finally {
      await t.close();
    }
  },
});

Deno.test("piped, an unclosed quote fails its own step and does not swallow the next lines", async () => {
  const home = await tempFolder();
  const run = await pipeRepl(home, "piped-quote", [
    `%kql SigninLogs | where ResultType == "50057 | count`,
    `%kql leavers = SigninLogs | where ResultType == "50057" | count`,
    `leavers.getColumn("Count").toArray()`,
  ]);
  assert.match(run.stderr + run.stdout, /unterminated string literal at line 1, column 34/);
  assert.match(run.stdout, /\[ 9n? \]/);
  const journal = await Deno.readTextFile(
    join(home, "sessions", "piped-quote", "journal.jsonl"),
  );
  const steps = journal.trim().split("\n").map((l) => JSON.parse(l))
    .filter((r) => r.type === "step").map((r) => [r.position, r.status]);
  assert.deepEqual(steps, [[1, "error"], [2, "ok"], [3, "ok"]]);
});

Deno.test("resumed, a variable whose value was not stored says which step to rerun", async () => {
  const home = await tempFolder();
  const first = await pipeRepl(home, "tree", [
    `%kql procs = SecurityEvent | where EventID == 4688 and Computer startswith "LKS-WS-1042"`,
    `const tree = buildProcessTree(procs)`,
  ]);
  assert.equal(first.code, 0, first.stderr);
  const again = await pipeRepl(home, "tree", [
    `tree.summary()`,
    `.rerun 2`,
    `const [dump] = tree.keysWhere(pl.col("commandLine").str.contains("lsass.dmp"))`,
    `tree.toText({ rows: tree.ancestors(dump) })`,
  ]);
  const out = again.stdout + again.stderr;
  assert.match(
    out,
    /tree is not defined: step 2 bound it, and its value was not restored when the session was reopened/,
  );
  assert.match(out, /hint: \.rerun 2 computes it again\./);
  // After the rerun the tree is there: the dump's chain (ANSWERS.md, credential dumping).
  assert.match(out, /explorer\.exe[\s\S]*cmd\.exe/);
});

Deno.test({
  name: "deno task jupyter:install installs both kernels where Jupyter finds them",
  ignore: !(await hasNbconvert()),
  async fn() {
    // A home of its own: `deno jupyter --install` and Jupyter both write under ~/.local/share.
    const home = await tempFolder();
    const denoDir = Deno.env.get("DENO_DIR") ?? join(Deno.env.get("HOME") ?? "", ".cache", "deno");
    const env = {
      HOME: home,
      XDG_DATA_HOME: join(home, ".local", "share"),
      DENO_DIR: denoDir,
      PATH: `/usr/bin:${Deno.env.get("PATH") ?? ""}`,
    };
    const install = await new Deno.Command(Deno.execPath(), {
      args: ["task", "jupyter:install"],
      cwd: REPO,
      env,
      clearEnv: false,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const said = new TextDecoder().decode(install.stdout) +
      new TextDecoder().decode(install.stderr);
    assert.ok(install.success, said);
    assert.match(said, /Kernels "deno" and "casefile" are ready/);
    const list = await new Deno.Command(PYTHON, {
      args: ["-m", "jupyter_client.kernelspecapp", "list", "--json"],
      env,
      stdout: "piped",
      stderr: "null",
    }).output();
    const specs = JSON.parse(new TextDecoder().decode(list.stdout)).kernelspecs;
    assert.deepEqual(Object.keys(specs).filter((k) => k !== "python3").sort(), [
      "casefile",
      "deno",
    ]);
  },
});
