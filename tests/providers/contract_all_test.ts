/**
 * The four providers side by side: local, Sentinel (the Log Analytics twin), Azure Data
 * Explorer (the Kusto twin, through azure-kusto-data) and Defender XDR (the Graph advanced
 * hunting twin) each pass the provider contract on the same table, and give the same frames,
 * with the same Kusto types and Polars dtypes, on the same queries: the demo case's
 * answer-key hunts (fixtures/demo-case/ANSWERS.md) and one query with every Kusto type
 * (dynamic, timespan, decimal, guid, a long past 2^53, nulls), whose values are also
 * checked against hand-computed ones.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { openLocalProvider, type Provider } from "../../src/providers/mod.ts";
import { openAdxProvider } from "../../src/providers/adx/mod.ts";
import { openXdrProvider } from "../../src/providers/xdr/mod.ts";
import { startLogAnalyticsService } from "../twins/log_analytics/mod.ts";
import { startKustoService } from "../twins/kusto/mod.ts";
import { startGraphHuntingService } from "../twins/graph_hunting/mod.ts";
import { exactRecords, providerContract, sameFrames } from "./contract.ts";
import { openTwinProvider } from "./_twin_provider.ts";

const NO_ENV = () => undefined;

function tokenOf(token: string) {
  return {
    getToken: () => Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
}

const ANSWERS = await Deno.readTextFile(
  fileURLToPath(new URL("../../fixtures/demo-case/ANSWERS.md", import.meta.url)),
);
const HUNTS = [...ANSWERS.matchAll(/```kql\n([\s\S]*?)```/g)]
  .flatMap((m) => m[1].split(/\n\s*\n/))
  .map((q) => q.trim())
  .filter((q) => q.length > 0);

/** Every Kusto scalar type, with a null of each and a long one past 2^53. */
const ALL_TYPES = `datatable(b: bool, d: datetime, dy: dynamic, i: int, l: long, r: real, s: string,
    g: guid, de: decimal, t: timespan) [
  true, datetime(2024-01-02 03:04:05.123456), dynamic({"a": [1, 2.5, "x"], "b": null}), 1,
    9007199254740993, 2.5, "x", guid(6f1c2d3e-4b5a-4c6d-9e7f-a1b2c3d4e5f6), decimal(1.25),
    time(1.02:03:04.5),
  false, datetime(null), dynamic(null), int(null), long(null), real(null), "", guid(null),
    decimal(null), time(null),
  bool(null), datetime(1969-12-31 23:59:59.999999), dynamic("text"), -5, -9223372036854775807,
    real(-0.5), "é\\n\\"q\\"", guid(00000000-0000-0000-0000-000000000000), decimal(-0.5),
    time(-00:00:01)
]`;

/** A few computed columns of each type over a real table (DeviceProcessEvents). */
const COMPUTED = `DeviceProcessEvents
| where FileName =~ "powershell.exe" and ProcessCommandLine has "-EncodedCommand"
| project TimeGenerated, DeviceName,
    Bag = bag_pack("file", FileName, "n", strlen(ProcessCommandLine)),
    Since = TimeGenerated - datetime(2026-03-11), Id = toguid("0e4d9b62-7a1f-4c83-b5e2-91f7c6d8a3b0"),
    Big = tolong(9223372036854775000) + 7, Money = todecimal(strlen(DeviceName)) / 4
| sort by TimeGenerated asc`;

const QUERIES = [...HUNTS, ALL_TYPES, COMPUTED];

Deno.test("local, Sentinel, ADX and XDR: the contract, and the same frames and types on the same queries", async (t) => {
  assert.ok(HUNTS.length >= 10, "the answer key's hunts were found");
  const logs = await startLogAnalyticsService();
  const kusto = await startKustoService();
  const graph = await startGraphHuntingService();
  const local = await openLocalProvider();
  const sentinel = await openTwinProvider(logs);
  const adx = await openAdxProvider({
    cluster: kusto.endpoint,
    database: "demo",
    caCertificates: [kusto.caCertificate],
    credential: tokenOf(kusto.token),
    env: NO_ENV,
  });
  const xdr = await openXdrProvider({
    endpoint: graph.endpoint,
    caCertificates: [graph.caCertificate],
    credential: tokenOf(graph.token),
    env: NO_ENV,
  });
  const providers: [string, Provider][] = [
    ["local", local],
    ["sentinel", sentinel],
    ["adx", adx],
    ["xdr", xdr],
  ];
  try {
    // The same table for all four: a Defender for Identity table (Sentinel holds it too).
    const rows = (await local.query("IdentityLogonEvents | count")).frame.getColumn("Count")
      .toArray()[0] as unknown as number;
    for (const [name, provider] of providers) {
      await t.step(
        `${name}: the provider contract`,
        (s) => providerContract(s, provider, { table: "IdentityLogonEvents", rows: Number(rows) }),
      );
    }

    for (const [i, query] of QUERIES.entries()) {
      await t.step(`query ${i + 1}: ${query.split("\n")[0].slice(0, 60)}`, async () => {
        const results = await Promise.all(providers.map(([, p]) => p.query(query)));
        assert.deepEqual(results[0].warnings, [], query);
        // Every provider's difference, not only the first one's.
        const differences = providers.slice(1).flatMap(([name], j) => {
          try {
            sameFrames(results[j + 1], results[0], `${name}: ${query}`);
            return [];
          } catch (error) {
            return [(error as Error).message];
          }
        });
        assert.deepEqual(differences, [], differences.join("\n\n"));
      });
    }

    await t.step("the type query's values are Kusto's, by hand", async () => {
      for (const [name, provider] of providers) {
        const result = await provider.query(ALL_TYPES);
        assert.deepEqual(result.schema.columns.map((c) => c.type), [
          "bool",
          "datetime",
          "dynamic",
          "int",
          "long",
          "real",
          "string",
          "guid",
          "decimal",
          "timespan",
        ], name);
        const [first, nulls, third] = exactRecords(result.frame);
        // 2024-01-02T03:04:05.123456Z in µs; 1 d 2 h 3 min 4.5 s in µs; 2^53 + 1.
        assert.equal(first.d, String(Date.UTC(2024, 0, 2, 3, 4, 5) * 1000 + 123_456), name);
        assert.equal(first.t, String(((24 + 2) * 3600 + 3 * 60 + 4) * 1_000_000 + 500_000), name);
        assert.equal(first.l, "9007199254740993", name);
        assert.equal(first.dy, '{"a":[1,2.5,"x"],"b":null}', name);
        assert.equal(first.g, "6f1c2d3e-4b5a-4c6d-9e7f-a1b2c3d4e5f6", name);
        assert.equal(first.de, 1.25, name);
        // Nulls stay null (Kusto strings are never null: empty).
        assert.deepEqual(
          [nulls.d, nulls.dy, nulls.i, nulls.l, nulls.r, nulls.s, nulls.g, nulls.de, nulls.t],
          [null, null, null, null, null, "", null, null, null],
          name,
        );
        // One µs before the epoch; -(2^63 - 1); minus one second.
        assert.deepEqual(
          [third.d, third.l, third.t, third.dy, third.s],
          ["-1", "-9223372036854775807", "-1000000", '"text"', 'é\n"q"'],
          name,
        );
      }
    });
  } finally {
    xdr.close();
    adx.close();
    sentinel.close();
    await graph.close();
    await kusto.close();
    await logs.close();
  }
});
