/**
 * The last options gaps of issue 19, review of the first pass:
 * - the five `investigate*` functions are async: a mistyped option is a rejected promise
 *   (what `.catch()` and `await` users handle), not an exception thrown at the call;
 * - `session.evaluate`, `session.record`, `GeoIpDatabase.lookupFrame` and the Sentinel
 *   provider's `queryBatch` (its options and each query) check their options;
 * - a Sentinel batch query on a workspace named by resource id ran through `query` with
 *   the batch item spread in, and the new check refused its `query` key: the batch answered
 *   "unknown option `query`" for a valid call.
 *
 * The messages expected are written by hand from the documented option names.
 */
import assert from "node:assert/strict";
import { pipeRepl } from "./_piped.ts";
import { tempFolder } from "../_helpers.ts";
import {
  GeoIpDatabase,
  investigateAccount,
  investigateAlert,
  investigateHost,
  investigateIncident,
  investigateIp,
  openLocalProvider,
  openSession,
  pl,
} from "../../mod.ts";
import { OptionError } from "../../src/options.ts";
import {
  DEMO_WORKSPACE_RESOURCE_ID,
  startLogAnalyticsService,
} from "../twins/log_analytics/mod.ts";
import { openTwinProvider } from "../providers/_twin_provider.ts";

const isOptionError = (message: string) => (e: unknown) =>
  e instanceof OptionError && e.message === message;

Deno.test("investigate*: a mistyped option is a rejected promise, never a throw at the call", async () => {
  const provider = await openLocalProvider();
  const calls = {
    investigateAccount: () => investigateAccount(provider, "a@b", { hopz: 1 } as never),
    investigateHost: () => investigateHost(provider, "h", { hopz: 1 } as never),
    investigateIp: () => investigateIp(provider, "1.2.3.4", { hopz: 1 } as never),
    investigateAlert: () => investigateAlert(provider, "x", { hopz: 1 } as never),
    investigateIncident: () => investigateIncident(provider, "x", { hopz: 1 } as never),
  };
  for (const [name, call] of Object.entries(calls)) {
    let promise: Promise<unknown> | undefined;
    assert.doesNotThrow(() => promise = call(), name);
    assert.ok(promise instanceof Promise, name);
    // What a `.catch()` user sees.
    const caught = await promise!.catch((e: Error) => e);
    assert.ok(
      isOptionError(`${name}: unknown option \`hopz\`. Did you mean \`hops\`?`)(caught),
      `${name}: ${caught}`,
    );
  }
});

Deno.test("session.evaluate and session.record check their options", async () => {
  const home = await tempFolder();
  const session = await openSession("gaps", {
    home,
    provider: await openLocalProvider(),
    cache: false,
  });
  try {
    await assert.rejects(
      session.evaluate("1 + 1", { signl: new AbortController().signal } as never),
      isOptionError("session.evaluate: unknown option `signl`. Did you mean `signal`?"),
    );
    assert.equal(await session.evaluate("6 * 7", { signal: new AbortController().signal }), 42);
    await assert.rejects(
      session.record("answer", 42, { cod: "const answer = 6 * 7;" } as never),
      isOptionError("session.record: unknown option `cod`. Did you mean `code`?"),
    );
    await assert.rejects(
      session.record("answer", 42, { code: 42 } as never),
      isOptionError("session.record: option `code` must be a string, not number 42."),
    );
    await session.record("answer", 42, { code: "const answer = 6 * 7;" });
    const step = session.steps().at(-1)!;
    assert.equal(step.record.name, "answer");
    assert.equal(step.record.code, "const answer = 6 * 7;");
  } finally {
    await session.close();
  }
});

Deno.test("GeoIpDatabase.lookupFrame checks its options, in both call forms", async () => {
  const geo = await GeoIpDatabase.open();
  const frame = pl.DataFrame({ IPAddress: ["10.1.2.3", "203.0.113.45"] });
  await assert.rejects(
    geo.lookupFrame(frame, { column: "IPAddress", prefx: "g_" } as never),
    isOptionError("GeoIpDatabase.lookupFrame: unknown option `prefx`. Did you mean `prefix`?"),
  );
  await assert.rejects(
    geo.lookupFrame(frame, "IPAddress", { prefx: "g_" } as never),
    isOptionError("GeoIpDatabase.lookupFrame: unknown option `prefx`. Did you mean `prefix`?"),
  );
  // Valid options, both forms: 10.0.0.0/8 is private, 203.0.113.0/24 documentation (RFC 5737).
  const named = await geo.lookupFrame(frame, { column: "IPAddress", prefix: "g_" });
  assert.deepEqual(named.getColumn("g_ip_kind").toArray(), ["private", "documentation"]);
  const positional = await geo.lookupFrame(frame, "IPAddress", { prefix: "p_" });
  assert.deepEqual(positional.getColumn("p_ip_kind").toArray(), ["private", "documentation"]);
});

Deno.test({
  name: "Sentinel queryBatch: a resource's query runs; its options and items are checked",
  sanitizeResources: false,
  async fn() {
    const service = await startLogAnalyticsService();
    const provider = await openTwinProvider(service, {
      config: {
        defaultTimespan: "none",
        workspaces: { vm: { resourceId: DEMO_WORKSPACE_RESOURCE_ID } },
      },
    });
    try {
      const results = await provider.queryBatch([
        { query: "SecurityAlert | count", workspace: "vm" },
        { query: "SecurityAlert | count" },
      ]);
      const counts = results.map((r) =>
        r.ok ? r.result.frame.getColumn("Count").get(0) : r.error.message
      );
      // The same rows through the resource as through the workspace id.
      assert.equal(typeof counts[0], typeof counts[1], String(counts));
      assert.deepEqual(counts[0], counts[1]);
      await assert.rejects(
        provider.queryBatch([{ query: "SecurityAlert | count" }], { timeout: 5000 } as never),
        isOptionError("provider.queryBatch: unknown option `timeout`. Did you mean `timeoutMs`?"),
      );
      await assert.rejects(
        provider.queryBatch([{ query: "SecurityAlert | count", workpsace: "vm" } as never]),
        isOptionError(
          "provider.queryBatch query: unknown option `workpsace`. Did you mean `workspace`?",
        ),
      );
    } finally {
      provider.close();
      await service.close();
    }
  },
});

Deno.test("piped REPL: .catch() on investigateHost gets the option error; record and evaluate check", async () => {
  const home = await tempFolder();
  const run = await pipeRepl(home, "gaps", [
    `const caught = await investigateHost(provider, "LKS-WS-1042", { hopz: 1 }).catch((e) => "caught: " + e.message)`,
    `caught`,
    `await session.record("answer", 42, { cod: "const answer = 42;" })`,
    `await session.evaluate("1 + 1", { signl: null })`,
    `const geo = await GeoIpDatabase.open()`,
    `await geo.lookupFrame(pl.DataFrame({ ip: ["10.0.0.1"] }), { column: "ip", prefx: "g_" })`,
    `"still here"`,
  ]);
  const out = run.stdout + run.stderr;
  assert.match(
    run.stdout,
    /caught: investigateHost: unknown option `hopz`\. Did you mean `hops`\?/,
  );
  assert.match(out, /session\.record: unknown option `cod`\. Did you mean `code`\?/);
  assert.match(out, /session\.evaluate: unknown option `signl`\. Did you mean `signal`\?/);
  assert.match(out, /GeoIpDatabase\.lookupFrame: unknown option `prefx`\. Did you mean `prefix`\?/);
  assert.match(run.stdout, /still here/);
});
