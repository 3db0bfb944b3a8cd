/**
 * Review fixes of the hunting library's front doors: `start` with `window` is an error, a
 * short pivot name shared by two families is ambiguous, a pivot's `limit` is a positive whole
 * number, a pack runs every query when the provider cannot list its tables, and
 * `casefile hunt show|run` without an id is a usage error whose hints fit the command line.
 * Expected values: fixtures/demo-case/ANSWERS.md (stage 1: the spray from three addresses,
 * 203.0.113.61, .88 and .45; the victim daniel.reyes).
 */
import assert from "node:assert/strict";
import { createPivot, findHunt, HuntError, huntText, searchHunts } from "../../src/hunt/mod.ts";
import type { HuntFamily } from "../../src/hunt/mod.ts";
import { openLocalProvider, type Provider } from "../../src/providers/mod.ts";
import { pl } from "../../src/polars.ts";
import { runPack } from "../../repl/_hunt_cli.ts";
import { REPO, run, runRepl, tempDir } from "../scenarios/_harness.ts";

const VICTIM = "daniel.reyes@larkspurlogistics.example"; // ANSWERS.md
const SPRAY = "identity.passwordSpraySourcesByIp";

function casefile(...args: string[]) {
  return run(Deno.execPath(), ["run", "-A", "repl/main.ts", ...args], { cwd: REPO });
}

Deno.test("huntText: start together with window is an error, not a silently dropped window", () => {
  const entry = findHunt(SPRAY);
  const now = new Date("2026-03-16T00:00:00Z");
  assert.throws(
    () =>
      huntText(entry.query, { start: "2026-03-11T02:00:00Z", window: "1h" }, {
        id: entry.id,
        now,
      }),
    (e: Error) =>
      e instanceof HuntError &&
      e.message === `${SPRAY}: give start/end or window, not both.` &&
      /Drop one of them/.test(e.hint ?? ""),
  );
  // Each alone still works: start..now, and now-1h..now.
  const fixed = huntText(entry.query, { start: "2026-03-11T02:00:00Z" }, { id: entry.id, now });
  assert.equal(fixed.start.toISOString(), "2026-03-11T02:00:00.000Z");
  const back = huntText(entry.query, { window: "1h" }, { id: entry.id, now });
  assert.equal(back.start.toISOString(), "2026-03-15T23:00:00.000Z");
});

Deno.test("pivot: a short name two families share is ambiguous, listing both ids", async () => {
  const query = findHunt("identity.signInsOfAccount").query;
  const families: HuntFamily[] = [
    { name: "identity", description: "built-in", queries: [query] },
    { name: "mine", description: "my copy", queries: [query] },
  ];
  const pivot = createPivot({ provider: await openLocalProvider(), families });
  const account = pivot.account(VICTIM);
  await assert.rejects(
    () => account.run("signInsOfAccount"),
    (e: Error) =>
      e instanceof HuntError &&
      e.message ===
        "2 account pivots are called signInsOfAccount: identity.signInsOfAccount, mine.signInsOfAccount." &&
      /full id/.test(e.hint ?? ""),
  );
  // The full id picks one; the victim's sign-ins include the spray address .45 (ANSWERS.md).
  const mine = await account.run("mine.signInsOfAccount");
  assert.ok(mine.getColumn("IPAddress").toArray().includes("203.0.113.45"));
  const report = await account.run();
  assert.throws(() => report.frame("signInsOfAccount"), /identity\.signInsOfAccount, mine\./);
  assert.ok(report.frame("identity.signInsOfAccount")!.height > 0);
});

Deno.test("pivot: limit must be a positive whole number", () => {
  const frame = pl.DataFrame({ ip: ["203.0.113.45", "203.0.113.61", "203.0.113.88"] });
  const isLimitError = (e: Error) =>
    e instanceof HuntError && /limit must be a whole number of at least 1/.test(e.message);
  assert.throws(() => createPivot({ limit: 0 }), isLimitError);
  assert.throws(() => createPivot().ip(frame, "ip", { limit: 1.5 }), isLimitError);
  assert.throws(() => createPivot().ip(frame, "ip", { limit: -2 }), isLimitError);
  assert.throws(() => createPivot(() => ({ limit: 0 })).ip(frame, "ip"), isLimitError);
  assert.throws(() => createPivot().ip("203.0.113.45", { limit: 0 }), isLimitError);
  // A valid limit keeps the most frequent values; 2 of 3 distinct here.
  assert.equal(createPivot().ip(frame, "ip", { limit: 2 }).values.length, 2);
});

Deno.test("casefile hunt pack: a provider that cannot list its tables runs every query", async () => {
  const local = await openLocalProvider();
  const failing = new Proxy(local, {
    get(target, key, receiver) {
      if (key === "tables") {
        return () => Promise.reject(new Error("403: no permission to read the workspace schema"));
      }
      const value = Reflect.get(target, key, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as Provider;
  const out: string[] = [];
  await runPack(
    searchHunts({ technique: "T1110" }),
    { window: "14d" },
    failing,
    (t) => out.push(t),
  );
  const text = out.join("\n");
  assert.match(text, /could not list its tables; every query is tried/);
  // The spray's three addresses (ANSWERS.md, stage 1).
  assert.match(text, /identity\.passwordSpraySourcesByIp\s+3\s+HIT/);
  assert.doesNotMatch(text, /not run/);
});

Deno.test({
  name: "casefile hunt show|run without an id, start with --window, a bad --param: clear errors",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    for (const verb of ["show", "run"]) {
      const ran = await casefile("hunt", verb);
      assert.equal(ran.code, 2, ran.stderr);
      assert.match(ran.stderr, new RegExp(`casefile hunt ${verb} needs a query id`));
      assert.doesNotMatch(ran.stderr, /no query \./);
    }
    const both = await casefile(
      "hunt",
      "run",
      SPRAY,
      "--window",
      "7d",
      "--param",
      "start=2026-03-11T02:00",
    );
    assert.equal(both.code, 1, both.stderr);
    assert.match(both.stderr, /give start\/end or window, not both/);

    const bad = await casefile("hunt", "run", SPRAY, "--param", "minAccounts");
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /--param minAccounts is not name=value/);
    assert.match(bad.stderr, /casefile hunt run identity\.passwordSpraySourcesByIp --param /);
    assert.doesNotMatch(bad.stderr, /\.hunt run/);
  },
});

Deno.test({
  name: ".hunt run with a word that is not name=value: the hint is the REPL's",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const home = await tempDir();
    const repl = await runRepl(home, "hints", `.hunt run ${SPRAY} minAccounts\n`);
    assert.equal(repl.code, 0, repl.stderr);
    const all = repl.stdout + repl.stderr;
    assert.match(all, /minAccounts is not name=value/);
    assert.match(all, /\.hunt run identity\.passwordSpraySourcesByIp /);
    assert.doesNotMatch(all, /casefile hunt run/);
  },
});
