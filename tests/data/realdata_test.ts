/**
 * Every file of ../shared/realdata (real Sentinel exports with real-world quirks) loads
 * through the local provider with the right types.
 */
import assert from "node:assert/strict";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { columnValues, pl, variantOf } from "../../src/polars.ts";
import { hasShared, REALDATA_DIR } from "../_helpers.ts";

const shared = await hasShared();

Deno.test({
  name: "local provider loads every real Sentinel export with sensible types",
  ignore: !shared,
  async fn(t) {
    const provider = await openLocalProvider(REALDATA_DIR);
    const names = (await provider.tables()).map((t) => t.name).sort();
    assert.deepEqual(names, [
      "az_mon_raw_query",
      "az_net_flows",
      "host_logons",
      "linux_events",
      "processes_on_host",
      "sudo_data",
      "syslog_data",
      "time_series",
    ]);
    const typeOf = async (table: string) => {
      const schema = await provider.schema(table);
      return Object.fromEntries(schema.columns.map((c) => [c.name, c.type]));
    };

    await t.step(
      "processes: pandas index dropped, hex ids kept, doubled quotes undone",
      async () => {
        const table = await provider.table("processes_on_host");
        assert.equal(table.frame.height, 363);
        assert.ok(!table.frame.columns.includes(""));
        assert.match(table.notes.join(), /dropped the unnamed index column/);
        const types = await typeOf("processes_on_host");
        assert.equal(types.TimeGenerated, "datetime");
        assert.equal(types.EventID, "long");
        assert.equal(types.NewProcessId, "string");
        assert.equal(types.TimeCreatedUtc, "datetime");
        const first = table.frame.row(0);
        const at = (c: string) => first[table.frame.columns.indexOf(c)];
        assert.equal(at("NewProcessId"), "0x1610");
        assert.equal((at("TimeGenerated") as Date).toISOString(), "2019-01-15T05:24:24.010Z");
        assert.match(at("CommandLine") as string, /^"C:\\Program Files\\Microsoft Monitoring/);
        assert.equal(at("TokenElevationType"), "%%1936");
      },
    );

    await t.step("logons: trailing spaces and IPv6 addresses are kept as written", async () => {
      const table = await provider.table("host_logons");
      const values = table.frame.getColumn("LogonProcessName").toArray();
      assert.ok(values.includes("Advapi  "));
      assert.ok(table.frame.getColumn("IpAddress").toArray().includes("fe80::38dc:e4a9:61bd:b458"));
      assert.equal((await typeOf("host_logons")).LogonType, "long");
    });

    await t.step("syslog: US dates without seconds are datetimes", async () => {
      const table = await provider.table("syslog_data");
      assert.equal((await typeOf("syslog_data")).TimeGenerated, "datetime");
      const first = columnValues<Date>(table.frame, "TimeGenerated")[0];
      assert.equal(first.toISOString(), "2019-07-08T16:08:00.000Z");
    });

    await t.step("sudo: ISO instants with Z, and a BOM before the header", async () => {
      const table = await provider.table("sudo_data");
      assert.equal(table.frame.columns[0], "TenantId");
      assert.equal((await typeOf("sudo_data")).TimeGenerated, "datetime");
      const first = columnValues<Date>(table.frame, "TimeGenerated")[0];
      assert.equal(first.toISOString(), "2019-07-10T15:13:25.813Z");
    });

    await t.step("time series: BOM stripped, quoted numbers are numbers", async () => {
      const table = await provider.table("time_series");
      assert.equal(table.frame.columns[0], "TimeGenerated");
      const types = await typeOf("time_series");
      assert.deepEqual(types, {
        TimeGenerated: "datetime",
        TotalBytesSent: "long",
        baseline: "long",
        score: "real",
        anomalies: "long",
      });
      assert.equal(table.frame.height, 840);
    });

    await t.step("flows: Python lists become dynamic JSON", async () => {
      const table = await provider.table("az_net_flows");
      assert.equal((await typeOf("az_net_flows")).PublicIPs, "dynamic");
      const ips = table.frame.getColumn("PublicIPs").toArray() as string[];
      assert.deepEqual(JSON.parse(ips[1]), ["13.71.172.130", "13.71.172.128"]);
      assert.equal(table.frame.height, 460);
    });

    await t.step("auditd: nested Python literals with quotes inside become dynamic", async () => {
      const table = await provider.table("linux_events");
      assert.equal((await typeOf("linux_events")).AuditdMessage, "dynamic");
      const first = JSON.parse(table.frame.getColumn("AuditdMessage").toArray()[0] as string);
      assert.deepEqual(Object.keys(first[0]), ["USER_END"]);
      assert.ok(first[0].USER_END.includes('exe="/usr/bin/sudo"'));
    });

    await t.step("raw API response: typed by its own column list", async () => {
      const table = await provider.table("az_mon_raw_query");
      const types = await typeOf("az_mon_raw_query");
      assert.equal(types.TimeGenerated, "datetime");
      assert.equal(types.ConfidenceScore, "real");
      assert.equal(types.IsIncident, "bool");
      assert.equal(table.frame.height, 3);
      const column = table.frame.columns.indexOf("IsIncident");
      assert.equal(variantOf(table.frame.dtypes[column]), "Bool");
      // 100 ns ticks are kept to the microsecond.
      const micros = table.frame.getColumn("TimeGenerated").cast(pl.Int64).toArray()[0];
      assert.equal(BigInt(micros as bigint), 1676891042637163n);
    });

    await t.step("no file produced a warning", async () => {
      for (const name of names) assert.deepEqual((await provider.table(name)).warnings, [], name);
    });
  },
});
