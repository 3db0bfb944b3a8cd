/**
 * The functions whose options were checked last (issue 19): providers, the KQL engine, the
 * notebook table and the hunting library reject a mistyped option with a did-you-mean, and
 * `openSentinelProvider` never puts a secret given by mistake into an error.
 */
import assert from "node:assert/strict";
import { OptionError } from "../src/options.ts";
import { executeKql, runKql } from "../src/kql/mod.ts";
import { openLocalProvider } from "../src/providers/mod.ts";
import { openSentinelProvider } from "../src/providers/sentinel/mod.ts";
import { frameToHtml } from "../src/jupyter/mod.ts";
import { onlineProviders } from "../src/enrich/mod.ts";
import { createHunt, createPivot, hunt, pivot, searchHunts } from "../src/hunt/mod.ts";
import { pl } from "../src/polars.ts";
import { pipeRepl } from "./repl/_piped.ts";
import { tempDir } from "./_helpers.ts";

function refused(message: string) {
  return (e: unknown) => {
    assert.ok(e instanceof OptionError, String(e));
    assert.equal(e.message, message);
    return true;
  };
}

Deno.test("a mistyped option of the remaining functions is an error with did-you-mean", async () => {
  await assert.rejects(
    () => openLocalProvider(undefined, { tabels: {} } as never),
    refused("openLocalProvider: unknown option `tabels`. Did you mean `tables`?"),
  );
  await assert.rejects(
    () => runKql("print 1", { tabels: {} } as never),
    refused("runKql: unknown option `tabels`. Did you mean `tables`?"),
  );
  await assert.rejects(
    () => executeKql("print 1", { now: "yesterday at noon" as never, nwo: 1 } as never),
    refused("executeKql: unknown option `nwo`. Did you mean `now`?"),
  );
  assert.throws(
    () => frameToHtml(pl.DataFrame({ a: [1] }), { maxRow: 5 } as never),
    refused("frameToHtml: unknown option `maxRow`. Did you mean `maxRows`?"),
  );
  assert.throws(
    () => onlineProviders({ timeout: 5 } as never),
    refused("onlineProviders: unknown option `timeout`. Did you mean `timeoutMs`?"),
  );
  assert.throws(
    () => searchHunts({ techniqe: "T1110" } as never),
    refused("searchHunts: unknown option `techniqe`. Did you mean `technique`?"),
  );
  assert.throws(
    () => searchHunts({ entity: "user" as never }),
    /searchHunts: option `entity` must be "account" or "host"/,
  );
  assert.throws(
    () => createHunt(undefined, { sesion: {} } as never),
    refused("createHunt: unknown option `sesion`. Did you mean `session`?"),
  );
  await assert.rejects(
    () => hunt.identity.signInsOfAccount({ account: "a@b" }, { provder: {} } as never),
    refused("hunt.identity.signInsOfAccount: unknown option `provder`. Did you mean `provider`?"),
  );
  assert.throws(
    () => pivot.ip("203.0.113.45", { windw: "7d" } as never),
    refused("pivot.ip: unknown option `windw`. Did you mean `window`?"),
  );
  assert.throws(
    () => createPivot({ limt: 3 } as never),
    refused("createPivot: unknown option `limt`. Did you mean `limit`?"),
  );
  // `now` given as text by untyped code is read as a date, as the check allows.
  const at = await runKql("print t = now()", { now: "2026-03-16T00:00:00Z" as never });
  assert.equal((at.toRecords()[0].t as unknown as Date).toISOString(), "2026-03-16T00:00:00.000Z");
});

const SECRET = "Zq8~s3cr3t.Value_0123456789abcdef";

Deno.test("openSentinelProvider never prints a secret given where an option goes", async () => {
  const cases: Record<string, unknown>[] = [
    { clientSecret: SECRET },
    { token: SECRET },
    { credential: SECRET }, // a client secret pasted as the credential kind
    { credential: [SECRET] },
    { credential: 42, workspace: SECRET.length },
    { password: SECRET },
    { workspace: "prod", env: () => undefined, credntial: SECRET },
  ];
  for (const options of cases) {
    let error: unknown;
    try {
      await openSentinelProvider(options as never);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof OptionError, `${Object.keys(options)}: ${error}`);
    const shown = `${error.message}\n${error.hint}\n${String(error)}\n${JSON.stringify(error)}`;
    assert.ok(!shown.includes(SECRET), shown);
    assert.ok(!shown.includes("s3cr3t"), shown);
    assert.ok(!shown.includes("42"), shown); // a wrong value of `credential` is not echoed
  }
  // The checks still say what is wrong.
  await assert.rejects(
    () => openSentinelProvider({ credential: SECRET } as never),
    /option `credential` is not a credential kind/,
  );
  await assert.rejects(
    () => openSentinelProvider({ credential: 42 } as never),
    refused(
      "openSentinelProvider: option `credential` must be a string or an object, not a number.",
    ),
  );
  await assert.rejects(
    () => openSentinelProvider({ workspace: "prod", credntial: "azure-cli" } as never),
    refused("openSentinelProvider: unknown option `credntial`. Did you mean `credential`?"),
  );
});

Deno.test({
  name: "the REPL: a mistyped option and a pasted secret, each a clear error, the REPL goes on",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const home = await tempDir("casefile-options-rest-");
    const repl = await pipeRepl(home, "options-rest", [
      'await runKql("print x = 1", { tabels: {} })',
      `await openSentinelProvider({ credential: "${SECRET}" })`,
      'pivot.ip("203.0.113.45", { windw: "7d" })',
      "1 + 1",
    ]);
    assert.equal(repl.code, 0, repl.stderr);
    assert.match(repl.stderr, /runKql: unknown option `tabels`\. Did you mean `tables`\?/);
    assert.match(repl.stderr, /openSentinelProvider: option `credential` is not a credential kind/);
    assert.match(repl.stderr, /pivot\.ip: unknown option `windw`\. Did you mean `window`\?/);
    assert.ok(!repl.stderr.includes(SECRET), repl.stderr);
    assert.match(repl.stdout, /^2$/m);
  },
});
