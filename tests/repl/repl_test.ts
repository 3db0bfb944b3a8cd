import { join } from "node:path";
import { deepStrictEqual as assertEquals, match, ok } from "node:assert/strict";
import { Repl, type ReplOutput } from "../../repl/_repl.ts";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { isDataFrame } from "../../src/polars.ts";
import { tempDir } from "../_helpers.ts";

function capture(): ReplOutput & { out: string[]; err: string[]; take(): string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    write: (t) => void out.push(t),
    error: (t) => void err.push(t),
    columns: () => 120,
    colors: false,
    take() {
      const text = [...out, ...err].join("\n");
      out.length = 0;
      err.length = 0;
      return text;
    },
  };
}

async function open(home: string, session = "case1") {
  const output = capture();
  const repl = await Repl.open({ home, session, provider: { kind: "local" }, output });
  return { repl, output };
}

const go = (repl: Repl, input: string) => repl.handle(input, new AbortController().signal);

Deno.test("the REPL runs %kql and TypeScript as steps and restores them when reopened", async () => {
  const home = await tempDir();
  const { repl, output } = await open(home);
  const ips = ANSWER_KEY.spray.ips;
  await go(repl, `const ips = ${JSON.stringify(ips)}`);
  await go(
    repl,
    '%kql spray = SigninLogs | where IPAddress in (${ips}) and ResultType == "50126" | count',
  );
  const shown = output.take();
  match(shown, new RegExp(`Count\\n-----\\n\\s*${ANSWER_KEY.spray.failures50126}\\n`));
  match(shown, /\(spray · step 2 · \d+ ms · cache miss\)/);
  await go(repl, "const failures = spray.getColumn('Count').toArray()[0] as number");
  await go(repl, "const failures = failures + 1");
  await go(repl, "failures * 2");
  assertEquals(repl.evaluator.vars._, (ANSWER_KEY.spray.failures50126 + 1) * 2);
  await go(repl, "function double(n: number) { return n * 2 }");
  assertEquals(
    repl.session.steps().map((s) => [s.record.name, s.record.kind, s.record.status]),
    [
      ["ips", "code", "ok"],
      ["spray", "query", "ok"],
      ["failures", "code", "ok"],
      ["failures", "code", "ok"],
      ["_5", "code", "ok"],
      ["double", "code", "ok"],
    ],
  );
  await repl.close();

  const again = await open(home);
  match(again.output.take(), /6 steps; 5 variables restored \(1 by running its definition again\)/);
  const vars = again.repl.evaluator.vars;
  assertEquals(vars.failures, ANSWER_KEY.spray.failures50126 + 1);
  assertEquals(vars.ips, ips);
  ok(isDataFrame(vars.spray));
  await go(again.repl, "double(failures)");
  assertEquals(vars._, (ANSWER_KEY.spray.failures50126 + 1) * 2);
  // The same query again comes from the cache.
  await go(
    again.repl,
    '%kql spray2 = SigninLogs | where IPAddress in (${ips}) and ResultType == "50126" | count',
  );
  match(again.output.take(), /cache hit/);
  await again.repl.close();
});

Deno.test("the REPL prints every mistake and keeps going; failed steps are journaled", async () => {
  const home = await tempDir();
  const { repl, output } = await open(home);
  await go(repl, "const kept = 41");
  await go(repl, "let x = 1 +* 2");
  match(
    output.take(),
    /error: Expression expected\. \(line 1, column 12\)\n {2}let x = 1 \+\* 2\n {13}\^/,
  );
  await go(repl, "undefinedThing.go()");
  match(output.take(), /error: undefinedThing is not defined/);
  await go(repl, "await Promise.reject(new RangeError('nope'))");
  match(output.take(), /error: nope/);
  await go(repl, "%kql SigninLogs | where NoSuchColumn == 1");
  match(output.take(), /error: .*NoSuchColumn[\s\S]*\^/);
  await go(repl, "%kql NoSuchTable | take 1");
  match(output.take(), /error: .*NoSuchTable/);
  await go(repl, ".bogus");
  match(output.take(), /There is no command \.bogus/);
  await go(repl, ".rerun x");
  match(output.take(), /\.rerun needs a step number/);
  await go(repl, "const pl = 1");
  match(output.take(), /"pl" is reserved/);
  await go(repl, "kept + 1");
  assertEquals(repl.evaluator.vars._, 42);
  const statuses = repl.session.steps().map((s) => `${s.record.name}:${s.record.status}`);
  // Syntax errors and refused names are not steps; runtime and query errors are.
  assertEquals(statuses, ["kept:ok", "_2:error", "_3:error", "_4:error", "_5:error", "_6:ok"]);
  await repl.close();
});

Deno.test("dot-commands: parameters, history, rerun with other values, marks, cache, export", async () => {
  const home = await tempDir();
  const { repl, output } = await open(home);
  await go(repl, ".set window 2026-03-10..2026-03-12");
  await go(repl, ".set code:string 50126");
  match(
    output.take(),
    /window \(timerange\) = 2026-03-10T00:00:00Z\.\.2026-03-12T00:00:00Z\ncode \(string\) = 50126/,
  );
  await go(
    repl,
    "%kql f = SigninLogs | where ResultType == {{code}} and TimeGenerated between ({{window.start}} .. {{window.end}}) | count",
  );
  const first = repl.evaluator.vars.f as { getColumn(n: string): { toArray(): number[] } };
  const before = first.getColumn("Count").toArray()[0];
  await go(repl, "const n = f.getColumn('Count').toArray()[0]");
  output.take();
  await go(repl, ".rerun 1 window=2026-03-11..2026-03-12");
  match(output.take(), /step 1 f: 1 row[\s\S]*step 2 n: a value/);
  const after = repl.evaluator.vars.n as number;
  ok(after < before, `${after} < ${before}`);
  // The other window's count, straight from the provider.
  const direct = await repl.connection.provider.query(
    'SigninLogs | where ResultType == "50126" and TimeGenerated between (datetime(2026-03-11) .. datetime(2026-03-12)) | count',
  );
  assertEquals(after, direct.frame.getColumn("Count").toArray()[0]);
  await go(repl, ".mark 1 finding the spray window");
  await go(repl, ".history");
  const history = output.take();
  match(history, /#\s+name\s+kind\s+rows\s+ms\s+status\s+cache\s+mark\s+gave\s+note/);
  match(history, /1\s+f\s+query\s+1\s+\d+\s+ok\s+miss\s+finding\s+the spray window/);
  match(history, new RegExp(`2\\s+n\\s+code\\s+\\d+\\s+ok\\s+${after}\\s`));
  // One step in full: its code, what it read, its value.
  await go(repl, "console.log('counted', n); const twice = n * 2");
  await go(repl, ".history 3");
  const detail = output.take();
  match(
    detail,
    /^step 3 twice \(code\)\n {2}console\.log\('counted', n\); const twice = n \* 2\n/m,
  );
  match(detail, /reads: n \(step 2\)/);
  match(detail, new RegExp(`printed:\\n {2}counted ${after}\\n`));
  match(detail, new RegExp(`value:\\n${after * 2}`));
  await go(repl, ".params");
  match(output.take(), /window\s+timerange\s+2026-03-11T00:00:00Z\.\.2026-03-12T00:00:00Z/);
  await go(repl, ".cache");
  match(output.take(), /cache .*: \d+ queries, \d+ results/);
  const script = join(home, "spray.ts");
  await go(repl, `.export script ${script}`);
  match(output.take(), /script written to/);
  match(await Deno.readTextFile(script), /^#!\/usr\/bin\/env -S deno run /);
  const report = join(home, "spray.html");
  await go(repl, `.export report ${report}`);
  match(output.take(), /report written to/);
  match(await Deno.readTextFile(report), /<!DOCTYPE html>[\s\S]*the spray window/i);
  const bundle = join(home, "spray.casefile.gz");
  await go(repl, `.export bundle ${bundle}`);
  match(output.take(), /bundle written to/);
  ok((await Deno.stat(bundle)).size > 100);
  await go(repl, ".help");
  const help = output.take();
  for (const name of repl.commandNames()) match(help, new RegExp(`\\.${name}\\b`));
  assertEquals(await go(repl, ".quit"), "quit");
  await repl.close();
});

Deno.test(".session opens another session and back; the lock is released on close", async () => {
  const home = await tempDir();
  const { repl, output } = await open(home, "first");
  await go(repl, "const a = 1");
  await go(repl, ".session second");
  assertEquals(repl.session.name, "second");
  assertEquals(repl.evaluator.vars.a, undefined);
  await go(repl, ".session first");
  assertEquals(repl.evaluator.vars.a, 1);
  await go(repl, ".session");
  match(output.take(), /current: first[\s\S]*second/);
  await repl.close();
  const reopened = await open(home, "first");
  await reopened.repl.close();
});

Deno.test("a query that asks for a chart gets it drawn to a file, path printed", async () => {
  const home = await tempDir();
  const { repl, output } = await open(home, "charts");
  await go(
    repl,
    "%kql daily = SigninLogs | where ResultType == '50126' | summarize Failures = count() by bin(TimeGenerated, 1d) | render timechart",
  );
  const shown = output.take();
  const path = /chart: timechart written to (\S+\.html)/.exec(shown)?.[1];
  ok(path, shown);
  const html = await Deno.readTextFile(path);
  match(html, /<svg[\s\S]*class="marks"/);
  await repl.close();
});
