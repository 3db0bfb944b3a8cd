/**
 * The Sentinel provider trusts nothing on the wire: answers whose values do not fit their
 * declared column types are refused (never a silent null or truncation), an answer without
 * a table is refused, and a connection dropped mid-body is retried. Against the loopback
 * Log Analytics service.
 */
import assert from "node:assert/strict";
import { MalformedResponseError } from "../../src/providers/sentinel/sentinel_provider.ts";
import { withTwinProvider as withService } from "./_twin_provider.ts";

async function failure(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the query to fail");
}

function body(type: string, value: unknown): string {
  return JSON.stringify({
    tables: [{
      name: "PrimaryResult",
      columns: [{ name: "a", type: "string" }, { name: "v", type }],
      rows: [["ok", null], ["bad", value]],
    }],
  });
}

Deno.test("sentinel provider refuses values that do not fit their declared column type", async () => {
  await withService(async (provider, service) => {
    const cases: Array<[string, unknown]> = [
      ["long", "x"],
      ["long", 1.5],
      ["long", "1.5"],
      ["int", true],
      ["bool", "yes"],
      ["bool", 2],
      ["real", "x"],
      ["datetime", "yesterday"],
      ["datetime", 12],
      ["timespan", "soon"],
    ];
    for (const [type, value] of cases) {
      service.inject({ kind: "malformed", body: body(type, value) });
      const error = await failure(provider.query("SecurityAlert | take 1"));
      assert.ok(error instanceof MalformedResponseError, `${type} ${JSON.stringify(value)}`);
      assert.match(error.message, new RegExp(`column v is declared ${type} but row 1 holds`));
    }
  });
});

Deno.test("sentinel provider reads values that do fit, nulls as nulls", async () => {
  await withService(async (provider, service) => {
    const cases: Array<[string, unknown, unknown]> = [
      ["long", 12, 12],
      ["long", "12", 12],
      ["bool", true, true],
      ["bool", false, false],
      ["real", "NaN", NaN],
      ["real", 1.5, 1.5],
    ];
    for (const [type, value, expected] of cases) {
      service.inject({ kind: "malformed", body: body(type, value) });
      const result = await provider.query("SecurityAlert | take 1");
      const column = result.frame.getColumn("v").toArray();
      assert.equal(column[0], null);
      assert.deepEqual(typeof column[1] === "bigint" ? Number(column[1]) : column[1], expected);
    }
  });
});

Deno.test("sentinel provider refuses an answer without a result table", async () => {
  await withService(async (provider, service) => {
    service.inject({ kind: "malformed", body: '{"tables":[]}' });
    const error = await failure(provider.query("SecurityAlert | count"));
    assert.ok(error instanceof MalformedResponseError);
    assert.match(error.message, /"tables" is empty/);
  });
});

Deno.test("sentinel provider retries a connection dropped mid-body", async () => {
  await withService(async (provider, service) => {
    service.inject({ kind: "drop", times: 2 });
    const result = await provider.query("SecurityAlert | count");
    // The demo case's 15 alerts (fixtures/demo-case/manifest.json).
    assert.equal(Number(result.frame.getColumn("Count").get(0)), 15);
    // Two answers cut mid-body, then the whole one.
    assert.equal(service.requests.filter((r) => r.path.includes("/query")).length, 3);
  });
});
