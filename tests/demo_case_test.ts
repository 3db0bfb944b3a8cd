import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type DataFrame, pl, variantOf } from "../src/polars.ts";
import { readManifest } from "../src/data/manifest.ts";
import { SENTINEL_SCHEMAS } from "../src/schema/sentinel.ts";
import { polarsTypeOf } from "../src/schema/types.ts";
import { ANSWER_KEY } from "../scripts/demo_case/_attack.ts";
import { decodePowerShell } from "../scripts/demo_case/_catalog.ts";
import { generateDemoCase } from "../scripts/demo_case/generate.ts";
import { tempDir } from "./_helpers.ts";

const CASE = fileURLToPath(new URL("../fixtures/demo-case/", import.meta.url));
const K = ANSWER_KEY;

/** Every file under `root`, as sorted relative paths. */
async function listFiles(root: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(join(root, prefix))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory) out.push(...await listFiles(root, rel));
    else out.push(rel);
  }
  return out.sort();
}

const frames = new Map<string, DataFrame>();

function table(name: string): DataFrame {
  let df = frames.get(name);
  if (!df) {
    df = pl.readParquet(join(CASE, `${name}.parquet`));
    frames.set(name, df);
  }
  return df;
}

/** Microseconds since the epoch for an ISO 8601 instant. */
function us(isoTime: string): number {
  return Date.parse(isoTime) * 1000;
}

/** The TimeGenerated values of `df` as microsecond numbers. */
function times(df: DataFrame): number[] {
  return Array.from(df.getColumn("TimeGenerated").cast(pl.Int64).toArray(), Number);
}

function strings(df: DataFrame, column: string): string[] {
  return df.getColumn(column).toArray() as string[];
}

const col = pl.col;
const lit = pl.lit;

Deno.test("demo case", async (t) => {
  await t.step("generateDemoCase() regenerates the committed files byte for byte", async () => {
    const out = await tempDir("casefile-demo-test-");
    try {
      await generateDemoCase({ out });
      const expected = await listFiles(CASE);
      assert.deepEqual(await listFiles(out), expected);
      for (const file of expected) {
        const [a, b] = await Promise.all([
          Deno.readFile(join(CASE, file)),
          Deno.readFile(join(out, file)),
        ]);
        assert.ok(a.length === b.length && a.every((byte, i) => byte === b[i]), `${file} differs`);
      }
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  });

  const manifest = await readManifest(CASE);
  assert.ok(manifest, "fixtures/demo-case/manifest.json is missing");

  await t.step("every table's columns match the manifest and SENTINEL_SCHEMAS", () => {
    // The demo case holds some of Sentinel's tables; each one it holds has Sentinel's schema.
    for (const m of manifest.tables) assert.ok(SENTINEL_SCHEMAS[m.name], `${m.name} schema`);
    for (const entry of manifest.tables) {
      const schema = SENTINEL_SCHEMAS[entry.name];
      assert.deepEqual(entry.columns, schema.columns, `${entry.name} manifest columns`);
      const df = table(entry.name);
      assert.deepEqual(df.columns, schema.columns.map((c) => c.name), `${entry.name} columns`);
      schema.columns.forEach((c, i) => {
        assert.equal(
          variantOf(df.dtypes[i]),
          variantOf(polarsTypeOf(c.type)),
          `${entry.name}.${c.name} should hold ${c.type}`,
        );
      });
      const stamps = times(df);
      assert.ok(stamps.every((v, i) => i === 0 || stamps[i - 1] <= v), `${entry.name} sorted`);
      assert.ok(stamps[0] >= us(manifest.timeRange.start), `${entry.name} starts in range`);
      assert.ok(
        stamps[stamps.length - 1] < us(manifest.timeRange.end),
        `${entry.name} ends in range`,
      );
    }
    assert.equal(manifest.referenceTime, "2026-03-16T00:00:00Z");
    assert.deepEqual(manifest.timeRange, {
      start: "2026-03-02T00:00:00Z",
      end: "2026-03-16T00:00:00Z",
    });
  });

  await t.step("manifest row counts match the files", () => {
    for (const entry of manifest.tables) {
      assert.equal(table(entry.name).height, entry.rows, entry.name);
    }
  });

  await t.step("each planted stage is findable with plain filters", async (t) => {
    await t.step("password spray: many 50126 failures from a few IPs", () => {
      const spray = table("SigninLogs").filter(
        col("IPAddress").isIn([...K.spray.ips]).and(
          col("ClientAppUsed").eq(lit(K.spray.clientApp)),
        ),
      );
      assert.equal(spray.height, K.spray.attempts);
      assert.equal(spray.filter(col("ResultType").eq(lit("50126"))).height, K.spray.failures50126);
      assert.equal(spray.filter(col("ResultType").eq(lit("50057"))).height, K.spray.disabled50057);
      assert.equal(spray.filter(col("ResultType").eq(lit("50034"))).height, K.spray.unknown50034);
      assert.equal(spray.getColumn("UserPrincipalName").nUnique(), K.spray.targets);
      for (const ip of K.spray.ips) {
        const failures = spray.filter(
          col("IPAddress").eq(lit(ip)).and(col("ResultType").eq(lit("50126"))),
        );
        assert.ok(failures.height >= 140, `${ip} has ${failures.height} failures`);
        assert.ok(failures.getColumn("UserPrincipalName").nUnique() >= 140, `${ip} accounts`);
      }
      const others = table("SigninLogs").filter(
        col("IPAddress").isIn([...K.spray.ips]).and(
          col("ClientAppUsed").neq(lit(K.spray.clientApp)),
        ),
      );
      assert.ok(times(others).every((v) => v > us(K.spray.end)), "only the spray before its end");
      const stamps = times(spray);
      assert.equal(Math.min(...stamps), us(K.spray.start));
      assert.equal(Math.max(...stamps), us(K.spray.end));
    });

    await t.step("exactly one legacy-auth success from the attacker, without MFA", () => {
      const wins = table("SigninLogs").filter(
        col("IPAddress").isIn([...K.spray.ips]).and(col("ResultType").eq(lit("0"))).and(
          col("ClientAppUsed").isIn(["IMAP4", "Authenticated SMTP", "Exchange ActiveSync", "POP3"]),
        ),
      );
      assert.equal(wins.height, 1);
      const row = wins.row(0);
      const at = (name: string) => row[wins.columns.indexOf(name)];
      assert.equal(at("IPAddress"), K.legacySuccess.ip);
      assert.equal(at("UserPrincipalName"), K.victim.upn);
      assert.equal(at("ClientAppUsed"), K.legacySuccess.clientApp);
      assert.equal(at("AuthenticationRequirement"), K.legacySuccess.authenticationRequirement);
      assert.equal(at("ConditionalAccessStatus"), K.legacySuccess.conditionalAccessStatus);
      assert.match(String(at("ConditionalAccessPolicies")), /reportOnlyFailure/);
      assert.equal(times(wins)[0], us(K.legacySuccess.time));
    });

    await t.step("impossible travel: office sign-in, then Brazil within hours", () => {
      const victim = table("SigninLogs").filter(col("UserPrincipalName").eq(lit(K.victim.upn)));
      const day = victim.filter(
        col("TimeGenerated").cast(pl.Int64).gtEq(us("2026-03-11T00:00:00Z")).and(
          col("TimeGenerated").cast(pl.Int64).lt(us(K.impossibleTravel.interruptTime)),
        ).and(col("ResultType").eq(lit("0"))).and(col("IPAddress").eq(lit(K.victim.officeIp))),
      );
      assert.ok(day.height >= 1, "the victim signs in from the office that morning");
      assert.ok(
        strings(day, "LocationDetails").every((l) => JSON.parse(l).countryOrRegion === "GB"),
      );
      const attacker = victim.filter(
        col("IPAddress").eq(lit(K.impossibleTravel.ip)).and(
          col("ClientAppUsed").eq(lit("Browser")),
        ),
      );
      const stamps = times(attacker);
      assert.ok(stamps.includes(us(K.impossibleTravel.interruptTime)));
      assert.ok(stamps.includes(us(K.impossibleTravel.successTime)));
      assert.ok(
        strings(attacker, "LocationDetails").every((l) =>
          JSON.parse(l).countryOrRegion === K.impossibleTravel.country
        ),
      );
      const before = victim.filter(col("TimeGenerated").cast(pl.Int64).lt(us(K.spray.start)));
      assert.ok(
        strings(before, "LocationDetails").every((l) => JSON.parse(l).countryOrRegion !== "BR"),
        "Brazil is a new country for the victim",
      );
    });

    await t.step("the attacker registers an MFA method", () => {
      const audit = table("AuditLogs").filter(
        col("OperationName").eq(lit(K.mfaRegistration.activity)),
      );
      const hits = strings(audit, "InitiatedBy").map((j, i) => [JSON.parse(j).user, i] as const)
        .filter(([u]) =>
          u?.userPrincipalName === K.victim.upn && u?.ipAddress === K.mfaRegistration.ip
        );
      assert.equal(hits.length, 1);
      assert.equal(times(audit)[hits[0][1]], us(K.mfaRegistration.time));
      const info = table("IdentityInfo").filter(
        col("AccountUPN").eq(lit(K.victim.upn)).and(col("IsMFARegistered")),
      );
      assert.ok(info.height >= 1, "IdentityInfo shows the new registration");
    });

    await t.step("an external forwarding rule", () => {
      const rules = table("OfficeActivity").filter(
        col("Operation").eq(lit(K.inboxRule.operation)).and(col("UserId").eq(lit(K.victim.upn))),
      );
      assert.equal(rules.height, 1);
      assert.equal(strings(rules, "ClientIP")[0], K.inboxRule.clientIp);
      const params = JSON.parse(strings(rules, "Parameters")[0]) as {
        Name: string;
        Value: string;
      }[];
      assert.equal(params.find((p) => p.Name === "ForwardTo")?.Value, K.inboxRule.forwardTo);
      assert.equal(times(rules)[0], us(K.inboxRule.time));
    });

    await t.step("RDP logon type 10 from the attacker's address", () => {
      const rdp = table("SecurityEvent").filter(
        col("EventID").eq(lit(4624)).and(col("LogonType").eq(lit(10))).and(
          col("IpAddress").eq(lit(K.rdp.ip)),
        ),
      );
      assert.equal(rdp.height, 1);
      assert.ok(strings(rdp, "Computer")[0].startsWith(K.rdp.host));
      assert.equal(times(rdp)[0], us(K.rdp.time));
      const fw = table("CommonSecurityLog").filter(
        col("SourceIP").eq(lit(K.rdp.ip)).and(
          col("DestinationTranslatedAddress").eq(lit(K.victim.workstationIp)),
        ),
      );
      assert.equal(fw.height, 1);
    });

    await t.step("encoded PowerShell decodes to a cradle for the C2 URL", () => {
      for (
        const [name, column] of [["DeviceProcessEvents", "ProcessCommandLine"], [
          "SecurityEvent",
          "CommandLine",
        ]]
      ) {
        const ps = table(name).filter(
          col(column).str.contains("-EncodedCommand", true).and(
            col("TimeGenerated").cast(pl.Int64).eq(us(K.encodedPowerShell.time)),
          ),
        );
        assert.equal(ps.height, 1, name);
        const command = strings(ps, column)[0];
        assert.equal(command, K.encodedPowerShell.commandLine);
        const decoded = decodePowerShell(command.split(/\s+/).pop()!);
        assert.equal(decoded, K.encodedPowerShell.decoded);
        assert.match(decoded, /DownloadString/);
        assert.ok(decoded.includes(K.encodedPowerShell.url));
      }
      const implant = table("DeviceProcessEvents").filter(col("SHA256").eq(lit(K.implant.sha256)));
      assert.equal(strings(implant, "FileName")[0], K.implant.fileName);
      assert.equal(times(implant)[0], us(K.implant.startedAt));
    });

    await t.step("beaconing every ~60 s for ~36 h", () => {
      const beacons = table("DeviceNetworkEvents").filter(
        col("RemoteUrl").eq(lit(K.c2.domain)).and(
          col("InitiatingProcessFileName").eq(lit(K.implant.fileName)),
        ),
      );
      assert.equal(beacons.height, K.c2.beacons);
      const stamps = times(beacons);
      assert.equal(stamps[0], us(K.c2.firstBeacon));
      const gaps = stamps.slice(1).map((v, i) => (v - stamps[i]) / 1e6).sort((a, b) => a - b);
      const median = gaps[Math.floor(gaps.length / 2)];
      assert.ok(Math.abs(median - K.c2.intervalSeconds) < 2, `median gap ${median}`);
      assert.ok(gaps[0] >= 54 && gaps[gaps.length - 1] <= 66, "jitter stays within 10%");
      const hours = (stamps[stamps.length - 1] - stamps[0]) / 3.6e9;
      assert.ok(Math.abs(hours - K.c2.approximateHours) < 1, `${hours} h`);
      const fw = table("CommonSecurityLog").filter(col("DestinationIP").eq(lit(K.c2.ip)));
      assert.ok(fw.height >= K.c2.beacons);
      const dns = table("DnsEvents").filter(col("Name").eq(lit(K.c2.domain)));
      assert.ok(dns.height >= 300);
    });

    await t.step("LSASS dump, new local admin, lateral movement", () => {
      const dump = table("DeviceProcessEvents").filter(
        col("ProcessCommandLine").eq(lit(K.lsassDump.commandLine)),
      );
      assert.equal(dump.height, 1);
      assert.equal(times(dump)[0], us(K.lsassDump.time));
      const se = table("SecurityEvent");
      const created = se.filter(
        col("EventID").eq(lit(4720)).and(col("TargetUserName").eq(lit(K.localAdmin.account))),
      );
      assert.equal(created.height, 1);
      assert.ok(strings(created, "Computer")[0].startsWith(K.localAdmin.host));
      const added = se.filter(
        col("EventID").eq(lit(4732)).and(
          col("MemberSid").eq(lit(strings(created, "TargetSid")[0])),
        ),
      );
      assert.equal(added.height, 1);
      assert.equal(strings(added, "TargetUserName")[0], K.localAdmin.group);
      const logon = se.filter(
        col("EventID").eq(lit(4624)).and(col("LogonType").eq(lit(K.lateralMovement.logonType))).and(
          col("TargetUserName").eq(lit(K.lateralMovement.account)),
        ).and(col("IpAddress").eq(lit(K.lateralMovement.fromIp))),
      );
      assert.equal(logon.height, 1);
      assert.ok(strings(logon, "Computer")[0].startsWith(K.lateralMovement.to));
      assert.equal(times(logon)[0], us(K.lateralMovement.time));
      // 4697 is in the Security log; the System log's 7045 is in Event (demo_case_cloud_test.ts).
      const services = se.filter(col("ServiceName").eq(lit(K.lateralMovement.serviceName)));
      assert.deepEqual(services.getColumn("EventID").toArray(), [4697]);
      assert.ok(
        strings(services, "ServiceFileName").every((f) => f === K.lateralMovement.serviceFile),
      );
      const system = table("Event").filter(
        col("EventID").eq(lit(7045)).and(
          col("EventData").str.contains(`>${K.lateralMovement.serviceName}<`, true),
        ),
      );
      assert.equal(system.height, 1);
      assert.ok(strings(system, "EventData")[0].includes(`>${K.lateralMovement.serviceFile}<`));
    });

    await t.step("DNS tunnelling with long random labels", () => {
      const dns = table("DnsEvents").filter(col("Name").str.endsWith(`.${K.dnsTunnel.suffix}`));
      assert.equal(dns.height, K.dnsTunnel.queries);
      assert.ok(strings(dns, "ClientIP").every((ip) => ip === K.dnsTunnel.clientIp));
      assert.ok(strings(dns, "QueryType").every((q) => q === K.dnsTunnel.queryType));
      assert.ok(
        strings(dns, "Name").every((n) => n.split(".")[0].length === K.dnsTunnel.labelLength),
      );
      assert.equal(times(dns)[0], us(K.dnsTunnel.start));
    });

    await t.step("an outbound bytes spike from the file server", () => {
      const fw = table("CommonSecurityLog");
      const exfil = fw.filter(
        col("SourceIP").eq(lit(K.exfiltration.sourceIp)).and(
          col("DestinationIP").eq(lit(K.exfiltration.ip)),
        ),
      );
      assert.equal(exfil.height, K.exfiltration.sessions);
      assert.equal(exfil.getColumn("SentBytes").sum(), K.exfiltration.totalBytes);
      assert.equal(Math.max(...times(exfil)), us(K.exfiltration.end));
      const other = fw.filter(
        col("SourceIP").eq(lit(K.exfiltration.sourceIp)).and(
          col("DestinationIP").neq(lit(K.exfiltration.ip)),
        ),
      );
      assert.ok(other.getColumn("SentBytes").sum() < K.exfiltration.totalBytes / 100);
    });

    await t.step("SecurityAlert covers some stages, not all", () => {
      const alerts = table("SecurityAlert");
      for (const a of K.alerts) {
        const hit = alerts.filter(
          col("AlertName").eq(lit(a.name)).and(
            col("TimeGenerated").cast(pl.Int64).eq(us(a.time)),
          ),
        );
        assert.equal(hit.height, 1, a.name);
      }
      const aboutAttack = strings(alerts, "Entities").filter((e) =>
        e.includes(K.attacker.ip) || e.includes("daniel.reyes") || e.includes("lks-ws-1042")
      );
      assert.equal(aboutAttack.length, K.alerts.length);
      assert.ok(alerts.height > K.alerts.length, "benign alerts too");
    });

    await t.step("threat intel knows some indicators, not all", async () => {
      const ti = table("ThreatIntelligenceIndicator");
      const values = new Set([
        ...strings(ti, "NetworkIP"),
        ...strings(ti, "DomainName"),
        ...strings(ti, "FileHashValue"),
      ]);
      const stix = await Deno.readTextFile(join(CASE, "external", "threat_intel_feed.json"));
      const bundle = JSON.parse(stix);
      assert.equal(bundle.type, "bundle");
      const patterns = bundle.objects.filter((o: { type: string }) => o.type === "indicator")
        .map((o: { pattern: string }) => o.pattern).join("\n");
      for (const i of K.indicators) {
        assert.equal(
          values.has(i.value),
          i.inWorkspaceTi,
          `${i.value} in ThreatIntelligenceIndicator`,
        );
        assert.equal(
          patterns.includes(`'${i.value}'`),
          i.inStixFeed,
          `${i.value} in the STIX feed`,
        );
      }
      assert.ok(K.indicators.some((i) => !i.inStixFeed && !i.inWorkspaceTi));
    });

    await t.step("ANSWERS.md states the key's facts", async () => {
      const answers = await Deno.readTextFile(join(CASE, "ANSWERS.md"));
      for (
        const fact of [
          K.victim.upn,
          K.victim.workstation,
          K.attacker.ip,
          ...K.spray.ips,
          K.stolenAdmin.account,
          K.localAdmin.account,
          K.c2.domain,
          K.c2.ip,
          K.implant.sha256,
          K.dnsTunnel.suffix,
          K.exfiltration.domain,
          K.exfiltration.ip,
          K.inboxRule.forwardTo,
          K.spray.start,
          K.rdp.time,
          K.lsassDump.time,
          ...K.alerts.map((a) => a.name),
          ...K.indicators.map((i) => i.value),
        ]
      ) {
        assert.ok(answers.includes(String(fact)), `ANSWERS.md mentions ${fact}`);
      }
      const manifestText = await Deno.readTextFile(join(CASE, "manifest.json"));
      assert.ok(!manifestText.includes("ANSWERS"), "nothing in the data points at the answers");
    });
  });

  await t.step("the folder is at most 15 MB", async () => {
    let total = 0;
    for (const file of await listFiles(CASE)) total += (await Deno.stat(join(CASE, file))).size;
    assert.ok(total <= 15 * 1024 * 1024, `${total} bytes`);
  });

  await t.step("--scale 2 produces more rows than scale 1", async () => {
    const out = await tempDir("casefile-demo-scale-");
    try {
      const result = await generateDemoCase({ out, scale: 2 });
      for (const entry of manifest.tables) {
        assert.ok(result.rows[entry.name] >= entry.rows, entry.name);
      }
      assert.ok(
        result.rows.SecurityEvent >
          1.5 * manifest.tables.find((e) => e.name === "SecurityEvent")!.rows,
      );
      const scaled = await readManifest(out);
      assert.equal(
        scaled?.tables.find((e) => e.name === "SecurityEvent")?.rows,
        result.rows.SecurityEvent,
      );
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  });
});
