/**
 * C13's campaign of malformed Log Analytics answers (issue 18), served by the loopback
 * service to the real `@azure/monitor-query-logs` client: the real wire response in
 * `realdata/az_mon_raw_query.json` (three SecurityAlert rows, 34 declared columns), with
 * values of the wrong JSON type, impossible datetimes, repeated column names, a wrong
 * content type, and cuts at random points. Each is refused as a MalformedResponseError
 * naming what is wrong, never read as a silent null, stringified value or rolled-over date.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DEMO_WORKSPACE_ID, startLogAnalyticsService } from "../twins/log_analytics/mod.ts";
import { MalformedResponseError } from "../../src/providers/sentinel/sentinel_provider.ts";
import { withTwinProvider as withService } from "../providers/_twin_provider.ts";
import { CasefileError } from "../../src/errors.ts";
import { hasShared, lcg, REALDATA_DIR, runCasefile, tempFolder } from "../_helpers.ts";

const shared = await hasShared();
const REAL = shared
  ? await Deno.readTextFile(join(REALDATA_DIR, "az_mon_raw_query.json"))
  : '{"tables":[]}';

interface WireBody {
  tables: Array<{
    name: string;
    columns: Array<{ name: string; type: string }>;
    rows: unknown[][];
  }>;
}

function real(): WireBody {
  return JSON.parse(REAL);
}

async function refusal(work: Promise<unknown>): Promise<MalformedResponseError> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof MalformedResponseError, `not refused cleanly: ${error}`);
    return error;
  }
  throw new Error("expected the answer to be refused");
}

const columnIndex = (body: WireBody, name: string) =>
  body.tables[0].columns.findIndex((c) => c.name === name);

Deno.test({
  name: "the real response reads as sent: 3 alerts, 34 columns",
  ignore: !shared,
  fn: async () => {
    await withService(async (provider, service) => {
      service.inject({ kind: "malformed", body: REAL });
      const result = await provider.query("SecurityAlert | take 3");
      assert.equal(result.frame.height, 3);
      assert.equal(result.frame.width, 34);
      // The second alert's name, as in the file.
      assert.equal(result.frame.getColumn("AlertName").get(1), real().tables[0].rows[1][3]);
    });
  },
});

Deno.test({
  name: "a number, bool or object in a declared string or guid column is refused",
  ignore: !shared,
  fn: async () => {
    await withService(async (provider, service) => {
      for (const column of ["AlertName", "Description", "SystemAlertId", "TenantId"]) {
        for (const value of [12, true, { a: 1 }]) {
          const body = real();
          body.tables[0].rows[1][columnIndex(body, column)] = value;
          service.inject({ kind: "malformed", body: JSON.stringify(body) });
          const error = await refusal(provider.query("SecurityAlert | take 3"));
          const type = body.tables[0].columns[columnIndex(body, column)].type;
          assert.match(
            error.message,
            new RegExp(`column ${column} is declared ${type} but row 1 holds`),
            JSON.stringify(value),
          );
        }
      }
      // null stays allowed (an empty string in Kusto's terms).
      const body = real();
      body.tables[0].rows[1][columnIndex(body, "Description")] = null;
      service.inject({ kind: "malformed", body: JSON.stringify(body) });
      const result = await provider.query("SecurityAlert | take 3");
      assert.equal(result.frame.getColumn("Description").get(1), "");
    });
  },
});

Deno.test({
  name: "an impossible datetime (30 February, 25 o'clock) is refused, not rolled over",
  ignore: !shared,
  fn: async () => {
    await withService(async (provider, service) => {
      for (
        const value of [
          "2023-02-30T00:00:00Z",
          "2023-02-29T11:04:02Z",
          "2023-04-31T00:00:00Z",
          "2023-02-20T25:04:02Z",
          "2023-02-20T11:60:02Z",
          "2023-02-30 00:00:00",
        ]
      ) {
        const body = real();
        body.tables[0].rows[0][columnIndex(body, "TimeGenerated")] = value;
        service.inject({ kind: "malformed", body: JSON.stringify(body) });
        const error = await refusal(provider.query("SecurityAlert | take 3"));
        assert.match(error.message, /column TimeGenerated is declared datetime but row 0/, value);
      }
      // A leap day is a day.
      const body = real();
      body.tables[0].rows[0][columnIndex(body, "TimeGenerated")] = "2024-02-29T11:04:02Z";
      service.inject({ kind: "malformed", body: JSON.stringify(body) });
      const result = await provider.query("SecurityAlert | take 3");
      const first = result.frame.head(1).toRecords()[0].TimeGenerated as unknown as Date;
      assert.equal(first.toISOString(), "2024-02-29T11:04:02.000Z");
    });
  },
});

Deno.test({
  name: "a column declared twice, or a 200 that is not JSON, is a clear refusal",
  ignore: !shared,
  fn: async () => {
    await withService(async (provider, service) => {
      const body = real();
      body.tables[0].columns[3].name = body.tables[0].columns[2].name;
      service.inject({ kind: "malformed", body: JSON.stringify(body) });
      const twice = await refusal(provider.query("SecurityAlert | take 3"));
      assert.match(twice.message, /column DisplayName is declared twice/);

      for (const type of ["text/plain", "text/html; charset=utf-8"]) {
        service.inject({ kind: "malformed", body: REAL, headers: { "content-type": type } });
        const error = await refusal(provider.query("SecurityAlert | take 3"));
        assert.ok(error.message.includes(`its content type is '${type}', not JSON`), error.message);
      }
    });
  },
});

Deno.test({
  name: "the real response cut at 20 random points is refused every time, never read short",
  ignore: !shared,
  fn: async () => {
    const next = lcg(1313);
    await withService(async (provider, service) => {
      for (let k = 0; k < 20; k++) {
        const at = 1 + Math.floor(next() * (REAL.trimEnd().length - 2));
        service.inject({ kind: "malformed", body: REAL.slice(0, at) });
        try {
          await provider.query(`SecurityAlert | take ${k + 1}`);
          assert.fail(`a body cut at ${at} was read`);
        } catch (error) {
          assert.ok(error instanceof CasefileError, `cut at ${at}: raw ${error}`);
        }
      }
    });
  },
});

Deno.test({
  name: "casefile query refuses a wrongly typed answer with a clear message and no stack",
  ignore: !shared,
  fn: async () => {
    const folder = await tempFolder();
    const service = await startLogAnalyticsService({ workspaces: { [DEMO_WORKSPACE_ID]: folder } });
    try {
      const body = real();
      body.tables[0].rows[2][columnIndex(body, "AlertSeverity")] = 3;
      service.inject({ kind: "malformed", body: JSON.stringify(body) });
      const run = await runCasefile(
        ["--provider", "sentinel", "--workspace", DEMO_WORKSPACE_ID, "query", "SecurityAlert"],
        {
          env: {
            NODE_EXTRA_CA_CERTS: service.caCertificatePath,
            CASEFILE_SENTINEL_ENDPOINT: service.endpoint,
            CASEFILE_SENTINEL_DEFAULT_TIMESPAN: "none",
            CASEFILE_SENTINEL_TOKEN: service.token,
            XDG_CONFIG_HOME: await tempFolder(),
          },
        },
      );
      assert.notEqual(run.code, 0);
      assert.equal(run.stdout, "");
      assert.match(run.stderr, /column AlertSeverity is declared string but row 2 holds 3/);
      assert.doesNotMatch(run.stderr, /\n\s+at /);
    } finally {
      await service.close();
    }
  },
});
