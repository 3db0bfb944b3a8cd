/**
 * Options of methods are checked too, not only those of the root's functions (issue 19,
 * item 3: "for every public function called from untyped code"). `tree.toText({ widht })`
 * printed the tree as if nothing was asked and `provider.query(q, { refrsh })` ran without a
 * word; each is now an error naming the option and what was meant. The names expected come
 * from the methods' documented options (process_tree.ts, provider.ts), not from the checks.
 */
import assert from "node:assert/strict";
import { pipeRepl } from "./_piped.ts";
import { tempFolder } from "../_helpers.ts";
import {
  buildProcessTree,
  GeoIpDatabase,
  openAdxProvider,
  openLocalProvider,
  openSentinelProvider,
  openXdrProvider,
  pl,
  ResultCache,
} from "../../mod.ts";
import { OptionError } from "../../src/options.ts";

Deno.test("piped REPL: a mistyped option of a method is an error with did-you-mean", async () => {
  const home = await tempFolder();
  const run = await pipeRepl(home, "methods", [
    `%kql ev = SecurityEvent | where EventID == 4688 and Computer startswith 'LKS-WS-1042' | take 50`,
    `const tree = buildProcessTree(ev)`,
    `tree.toText({ widht: 100 })`,
    `await provider.query("SecurityAlert | take 1", { refrsh: true })`,
    `tree.toText({ width: 100 }).length > 0`,
  ]);
  const out = run.stdout + run.stderr;
  assert.match(out, /tree\.toText: unknown option `widht`\. Did you mean `width`\?/);
  assert.match(out, /provider\.query: unknown option `refrsh`\./);
  // The options are listed, so the user sees what the method takes.
  assert.match(out, /Options of provider\.query: timespan, signal, now, onProgress/);
  // A right option still works after the mistakes: the REPL went on.
  assert.match(run.stdout, /^true$/m);
});

Deno.test("every ProcessTree method with options and the local provider's query check them", async () => {
  const frame = pl.DataFrame({
    Computer: ["h", "h"],
    TimeGenerated: [new Date("2026-03-12T01:00:00Z"), new Date("2026-03-12T01:00:01Z")],
    NewProcessId: ["0x10", "0x20"],
    NewProcessName: ["C:\\a.exe", "C:\\b.exe"],
    ProcessId: ["0x4", "0x10"],
    ParentProcessName: ["C:\\p.exe", "C:\\a.exe"],
    CommandLine: ["a", "b"],
    SubjectUserName: ["u", "u"],
    SubjectDomainName: ["d", "d"],
    SubjectLogonId: ["0x1", "0x1"],
    EventID: [4688, 4688],
  });
  const tree = buildProcessTree(frame);
  const key = tree.frame.getColumn("processKey").toArray()[0] as string;
  const calls: Array<[string, () => unknown]> = [
    ["tree.descendants", () => tree.descendants(key, { levels: 1, bogusZz: 1 } as never)],
    ["tree.siblings", () => tree.siblings(key, { bogusZz: true } as never)],
    ["tree.around", () => tree.around(key, { bogusZz: true } as never)],
    ["tree.toText", () => tree.toText({ bogusZz: 1 } as never)],
  ];
  for (const [name, call] of calls) {
    assert.throws(
      call,
      (e: unknown) => e instanceof OptionError && e.message.startsWith(`${name}:`),
    );
  }
  // The documented options go through.
  assert.equal(tree.descendants(key, { maxLevels: 1 }).height, 1);
  assert.equal(tree.siblings(key, { includeSelf: true }).height, 1);
  const provider = await openLocalProvider();
  await assert.rejects(
    () => provider.query("SecurityAlert | take 1", { timespn: {} } as never),
    /provider\.query: unknown option `timespn`\. Did you mean `timespan`\?/,
  );
  assert.equal((await provider.query("SecurityAlert | take 1", { now: new Date() })).rowCount, 1);
});

Deno.test("the static openers of the result cache and the geo-IP database check their options", async () => {
  const dir = await tempFolder();
  await assert.rejects(
    () => ResultCache.open(dir, { maxByte: 1000 } as never),
    /ResultCache\.open: unknown option `maxByte`\. Did you mean `maxBytes`\?/,
  );
  await assert.rejects(
    () => GeoIpDatabase.open({ cityDatabse: null } as never),
    /GeoIpDatabase\.open: unknown option `cityDatabse`\. Did you mean `cityDatabase`\?/,
  );
});

Deno.test("the workspace, ADX and XDR providers check a query's options before sending it", async () => {
  // Nothing is sent: each provider signs in and asks only at the first query, and the
  // check comes first (a loopback address that answers nothing would hang otherwise).
  const env = (name: string) =>
    ({ CASEFILE_ADX_TOKEN: "t", CASEFILE_XDR_TOKEN: "t", CASEFILE_SENTINEL_TOKEN: "t" })[name];
  const adx = await openAdxProvider({
    cluster: "https://help.kusto.windows.net",
    database: "d",
    env,
  });
  await assert.rejects(
    () => adx.query("T | take 1", { maxRecord: 5 } as never),
    /provider\.query: unknown option `maxRecord`\. Did you mean `maxRecords`\?/,
  );
  const xdr = await openXdrProvider({ env });
  await assert.rejects(
    () => xdr.query("DeviceEvents | take 1", { timspan: {} } as never),
    /provider\.query: unknown option `timspan`\. Did you mean `timespan`\?/,
  );
  const sentinel = await openSentinelProvider({
    workspace: "c3a1e7f4-92d8-4b6a-8f15-6d0e9b2c4a77",
    env,
  });
  await assert.rejects(
    () => sentinel.query("SigninLogs | take 1", { splt: "1d" } as never),
    /provider\.query: unknown option `splt`\. Did you mean `split`\?/,
  );
  for (const p of [adx, xdr, sentinel]) await p.close?.();
});
