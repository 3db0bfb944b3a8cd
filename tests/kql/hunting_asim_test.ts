/**
 * Sentinel's ASIM parsers beyond DNS over the demo case (issue 16): imAuthentication over
 * SigninLogs, AADNonInteractiveUserSignInLogs, SecurityEvent and Syslog sshd,
 * _Im_NetworkSession over CommonSecurityLog and DeviceNetworkEvents, imProcessCreate over
 * SecurityEvent 4688 and DeviceProcessEvents. Expected values come from the demo case's answer
 * key (fixtures/demo-case/ANSWERS.md) and from Microsoft's published ASIM schemas
 * (EventResult Success/Failure, EventResultDetails 'No such user or password', ...).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { executeKql, KqlSemanticError, tablePatterns } from "../../src/kql/mod.ts";
import { pl } from "../../src/polars.ts";
import { runCasefile, runKqlCorpus, tempFolder } from "../_helpers.ts";

async function casefileJson(kql: string): Promise<Record<string, unknown>[]> {
  const run = await runCasefile(["query", kql, "--format", "json"]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

const SPRAY = `imAuthentication(starttime = datetime(2026-03-11T02:10:00Z),
  endtime = datetime(2026-03-11T03:47:29Z),
  srcipaddr_has_any_prefix = dynamic(["203.0.113.61", "203.0.113.88", "203.0.113.45"]))`;

Deno.test("casefile query: the password spray through imAuthentication (answer key, stage 1)", async () => {
  // ANSWERS.md stage 1: 486 attempts over IMAP4, 449 failures with 50126 (invalid user name or
  // password), 9 with 50057 (disabled), 27 with 50034 (no such account), 1 success; in the
  // ASIM schema's EventResultDetails words.
  const out = await casefileJson(
    `${SPRAY} | summarize n = count() by EventProduct, EventType, EventResult,
      EventResultDetails, LogonProtocol | order by n desc`,
  );
  const base = { EventProduct: "Entra ID", EventType: "Logon", LogonProtocol: "IMAP4" };
  assert.deepEqual(out, [
    { ...base, EventResult: "Failure", EventResultDetails: "No such user or password", n: 449 },
    { ...base, EventResult: "Failure", EventResultDetails: "No such user", n: 27 },
    { ...base, EventResult: "Failure", EventResultDetails: "User disabled", n: 9 },
    { ...base, EventResult: "Success", EventResultDetails: "", n: 1 },
  ]);
});

Deno.test("imAuthentication's parameters filter by name and by position alike", async () => {
  // The one success of stage 2 (daniel.reyes from 203.0.113.45, IMAP4), found three ways.
  const out = await casefileJson(
    `union
      (${SPRAY} | where EventResult == "Success" | project k = "named", TargetUsername, SrcIpAddr),
      (imAuthentication(datetime(2026-03-11T02:10:00Z), datetime(2026-03-11T03:47:29Z),
          dynamic(["daniel.reyes"]), dynamic([]), dynamic(["203.0.113."]), dynamic([]), "Logon",
          dynamic([]), "success")
        | project k = "positional", TargetUsername, SrcIpAddr),
      (imAuthentication(eventresultdetails_in = dynamic(["User disabled"]),
          starttime = datetime(2026-03-11T02:10:00Z), endtime = datetime(2026-03-11T03:47:29Z))
        | summarize n = count() | project k = "disabled", TargetUsername = tostring(n), SrcIpAddr = "")
    | order by k asc`,
  );
  const victim = {
    TargetUsername: "daniel.reyes@larkspurlogistics.example",
    SrcIpAddr: "203.0.113.45",
  };
  assert.deepEqual(out, [
    { k: "disabled", TargetUsername: "9", SrcIpAddr: "" },
    { k: "named", ...victim },
    { k: "positional", ...victim },
  ]);
});

Deno.test("imAuthentication: the attacker's RDP logon from SecurityEvent 4624 (stage 6)", async () => {
  // ANSWERS.md stage 6: 4624 LogonType 10 on LKS-WS-1042 for LARKSPUR\daniel.reyes from
  // 203.0.113.45 at 2026-03-12T01:47:13Z. ASIM: LogonType 10 is 'RemoteInteractive'.
  const out = await casefileJson(
    `imAuthentication(srcipaddr_has_any_prefix = dynamic(["203.0.113.45"]), eventtype = "Logon")
    | where EventProduct == "Security Events"
    | project TimeGenerated, EventSubType, EventResult, TargetUsername, TargetHostname, SrcIpAddr`,
  );
  assert.deepEqual(out, [{
    TimeGenerated: "2026-03-12T01:47:13Z",
    EventSubType: "RemoteInteractive",
    EventResult: "Success",
    TargetUsername: "LARKSPUR\\daniel.reyes",
    TargetHostname: "LKS-WS-1042",
    SrcIpAddr: "203.0.113.45",
  }]);
});

Deno.test("imAuthentication: sshd lines are logons, 4625 SubStatus maps to the schema's words", async () => {
  // Raw counts read from the tables themselves: every "Failed password" line is a failure
  // (invalid user: 'No such user'), every "Accepted" line a success; 4625 with 0xc0000064
  // is 'No such user' and 0xc000006a 'Incorrect password' (Microsoft's 4625 reference).
  const out = await casefileJson(
    `union
      (Syslog | where ProcessName == "sshd" and SyslogMessage startswith "Failed password"
        | summarize n = count() | extend k = "raw ssh failed"),
      (Syslog | where ProcessName == "sshd" and SyslogMessage startswith "Accepted"
        | summarize n = count() | extend k = "raw ssh accepted"),
      (imAuthentication | where EventVendor == "OpenSSH"
        | summarize n = countif(EventResult == "Failure") | extend k = "asim ssh failed"),
      (imAuthentication | where EventVendor == "OpenSSH"
        | summarize n = countif(EventResult == "Success") | extend k = "asim ssh accepted"),
      (SecurityEvent | where EventID == 4625 and SubStatus =~ "0xc0000064" | count
        | project n = Count, k = "raw 0xc0000064"),
      (imAuthentication(eventresultdetails_in = dynamic(["No such user"]))
        | where EventProduct == "Security Events" | count | project n = Count, k = "asim no such user"),
      (SecurityEvent | where EventID == 4625 | count | project n = Count, k = "raw 4625"),
      (imAuthentication(eventresult = "Failure") | where EventProduct == "Security Events" | count
        | project n = Count, k = "asim windows failures")
    | project k, n`,
  );
  const n = Object.fromEntries(out.map((r) => [r.k, r.n]));
  assert.ok((n["raw ssh failed"] as number) > 0 && (n["raw 0xc0000064"] as number) > 0);
  assert.equal(n["asim ssh failed"], n["raw ssh failed"]);
  assert.equal(n["asim ssh accepted"], n["raw ssh accepted"]);
  assert.equal(n["asim no such user"], n["raw 0xc0000064"]);
  // Only 4625 is a failure; 4624, 4634 and 4647 succeed.
  assert.equal(n["asim windows failures"], n["raw 4625"]);
});

Deno.test("casefile query: the exfiltration through _Im_NetworkSession (stage 14)", async () => {
  // ANSWERS.md stage 14: from LKS-FS01 (10.10.1.20) to 198.51.100.199 in 48 sessions,
  // 2684354560 bytes in total (the firewall's SentBytes, ASIM SrcBytes); outbound.
  const out = await casefileJson(
    `_Im_NetworkSession(dstipaddr_has_any_prefix = dynamic(["198.51.100.199"]))
    | where EventProduct == "PanOS"
    | summarize Sessions = count(), Bytes = sum(SrcBytes) by SrcIpAddr, NetworkDirection, DvcAction,
        EventResult, NetworkProtocol`,
  );
  assert.deepEqual(out, [{
    SrcIpAddr: "10.10.1.20",
    NetworkDirection: "Outbound",
    DvcAction: "Allow",
    EventResult: "Success",
    NetworkProtocol: "TCP",
    Sessions: 48,
    Bytes: 2684354560,
  }]);
});

Deno.test("casefile query: the LSASS dump through imProcessCreate, both sources (stage 10)", async () => {
  // ANSWERS.md stage 10: procdump64.exe -ma lsass.exe from cmd.exe on LKS-WS-1042 at
  // 2026-03-12T02:18:55Z, in SecurityEvent 4688 and DeviceProcessEvents.
  const out = await casefileJson(
    `imProcessCreate(commandline_has_any = dynamic(["lsass"]), targetprocess_has_any = dynamic(["procdump64.exe"]))
    | project TimeGenerated, EventProduct, Host = toupper(DvcHostname), TargetProcessName,
        ActingProcessFileName, TargetProcessCommandLine
    | order by EventProduct asc`,
  );
  const row = {
    TimeGenerated: "2026-03-12T02:18:55Z",
    Host: "LKS-WS-1042",
    TargetProcessName: "C:\\Users\\Public\\procdump64.exe",
    ActingProcessFileName: "cmd.exe",
  };
  assert.equal(out.length, 2, JSON.stringify(out));
  assert.deepEqual(out.map((r) => r.EventProduct), [
    "M365 Defender for Endpoint",
    "Security Events",
  ]);
  for (const r of out) {
    assert.deepEqual({ ...r, EventProduct: undefined, TargetProcessCommandLine: undefined }, {
      ...row,
      EventProduct: undefined,
      TargetProcessCommandLine: undefined,
    });
    assert.match(
      String(r.TargetProcessCommandLine),
      /-ma lsass\.exe C:\\Users\\Public\\lsass\.dmp/,
    );
  }
});

Deno.test("the parameterless names keep every row: ASimAuthentication is the sum of its legs", async () => {
  const out = await casefileJson(
    `union
      (ASimAuthentication | count | extend k = "asim"),
      (union (SigninLogs | count), (AADNonInteractiveUserSignInLogs | count),
        (SecurityEvent | where EventID in (4624, 4625, 4634, 4647) | count),
        (Syslog | where ProcessName == "sshd" and SyslogMessage matches regex "^(Accepted|Failed) \\\\S+ for"
          | count)
        | summarize Count = sum(Count) | extend k = "legs")
    | project k, Count`,
  );
  const n = Object.fromEntries(out.map((r) => [r.k, r.Count]));
  assert.ok((n.legs as number) > 100000);
  assert.equal(n.asim, n.legs);
});

Deno.test("an ASIM parser runs on the legs the data has, and names its tables when none", async () => {
  // Only Syslog: imAuthentication is the sshd leg alone.
  const syslog = pl.readParquet(
    fileURLToPath(new URL("../../fixtures/demo-case/Syslog.parquet", import.meta.url)),
  );
  const { frame } = await executeKql(
    `imAuthentication | summarize n = count() by EventVendor`,
    { tables: { Syslog: syslog } },
  );
  assert.deepEqual(frame.toRecords().map((r) => r.EventVendor), ["OpenSSH"]);
  await assert.rejects(
    () => executeKql("imProcessCreate | count", { tables: {} }),
    (e) =>
      e instanceof KqlSemanticError &&
      /ASIM parser over SecurityEvent, DeviceProcessEvents/.test(e.message) &&
      /SecurityEvent or DeviceProcessEvents/.test(e.hint ?? ""),
  );
  const own = await executeKql(`let imAuthentication = datatable(a: long) [7]; imAuthentication`, {
    tables: { Syslog: syslog },
  });
  assert.deepEqual(own.frame.toRecords(), [{ a: 7 }]);
});

Deno.test("tablePatterns: an ASIM parser reads all its source tables", () => {
  const tables = tablePatterns("_Im_NetworkSession(starttime = ago(1d)) | take 1");
  assert.ok(tables.includes("CommonSecurityLog") && tables.includes("DeviceNetworkEvents"));
  assert.ok(tablePatterns("imAuthentication | take 1").includes("Syslog"));
});

Deno.test("deno run scripts/kql_corpus.ts runs published ASIM analytic rules", async () => {
  const dir = await tempFolder({
    // "Potential Password Spray Attack (Uses Authentication Normalization)", as published
    // (SrcDvcIpAddr is the schema's older name of SrcIpAddr).
    "spray.kql": `let FailureThreshold = 15;
imAuthentication
| where EventType== 'Logon' and  EventResult== 'Failure'
| where EventResultDetails in ('No such user or password', 'Incorrect password')
| summarize UserCount=dcount(TargetUserId), Vendors=make_set(EventVendor), Products=make_set(EventVendor)
  , Users = make_set(TargetUserId,100)
    by SrcDvcIpAddr, SrcGeoCountry, bin(TimeGenerated, 5m)
| where UserCount > FailureThreshold`,
    // "NOBELIUM - suspicious rundll32.exe execution of vbscript (Normalized Process Schema)".
    "rundll.kql": `imProcessCreation
| where TargetProcessFileName =~ 'rundll32.exe'
| where TargetProcessCommandLine  has_any ('Execute','RegRead','window.close')
| project TimeGenerated, DvcHostname, Account, TargetProcessFileName, TargetProcessFilePath, TargetProcessCommandLine, ActingProcessFileName, _ResourceId, EventVendor, EventProduct`,
  });
  const child = await runKqlCorpus(dir);
  const text = child.stdout;
  assert.match(text, /summary: 2\/2 ran/, text + child.stderr);
  // The spray's three addresses each try more than 15 accounts in some 5 minutes (stage 1).
  assert.match(text, /ran\s+spray\.kql\s+\d+ rows/);
});

Deno.test("imProcessCreate: a device address prefix matches no row (neither leg records one)", async () => {
  // Before the fix the parameter was accepted and ignored: every process came back.
  const dpe = pl.DataFrame({
    TimeGenerated: [new Date("2026-01-01T00:00:00Z")],
    ActionType: ["ProcessCreated"],
    FolderPath: ["C:\\x\\a.exe"],
    ProcessCommandLine: ["a.exe"],
    ProcessId: [1],
    SHA256: [""],
    MD5: [""],
    SHA1: [""],
    InitiatingProcessFolderPath: ["C:\\b.exe"],
    InitiatingProcessCommandLine: ["b"],
    InitiatingProcessId: [2],
    InitiatingProcessParentFileName: ["c.exe"],
    InitiatingProcessAccountDomain: ["D"],
    InitiatingProcessAccountName: ["u"],
    InitiatingProcessAccountSid: ["S"],
    AccountDomain: ["D"],
    AccountName: ["u"],
    AccountSid: ["S"],
    DeviceName: ["host.corp"],
    Type: ["DeviceProcessEvents"],
    _ResourceId: [""],
  });
  const count = async (q: string) =>
    (await executeKql(q, { tables: { DeviceProcessEvents: dpe } })).frame.toRecords()[0].Count;
  assert.equal(await count("imProcessCreate | count"), 1);
  assert.equal(
    await count("imProcessCreate(dvcipaddr_has_any_prefix = dynamic(['10.'])) | count"),
    0,
  );
});

Deno.test("the data's own table named like an ASIM parser comes first", async () => {
  const syslog = pl.DataFrame({
    TimeGenerated: [new Date("2026-01-01T00:00:00Z")],
    ProcessName: ["sshd"],
    SyslogMessage: ["Failed password for bob from 192.0.2.1 port 22 ssh2"],
    HostName: ["h"],
    Type: ["Syslog"],
    _ResourceId: [""],
  });
  const saved = pl.DataFrame({ a: [7] });
  for (const name of ["imAuthentication", "ASimAuthentication"]) {
    const { frame } = await executeKql(`${name} | project a`, {
      tables: { Syslog: syslog, [name]: saved },
    });
    assert.deepEqual(frame.toRecords(), [{ a: 7 }], name);
  }
});

Deno.test("imAuthentication: a 4625 lockout (Status 0xc0000234, SubStatus 0x0) is 'User locked'", async () => {
  // Microsoft's 4625 reference: a locked-out account fails with Status 0xC0000234 and no
  // sub-status; the sub-status, when set, is the more precise code.
  const se = pl.DataFrame({
    TimeGenerated: [new Date("2026-01-01T00:00:00Z"), new Date("2026-01-01T00:00:01Z")],
    EventID: [4625, 4625],
    LogonType: [3, 3],
    Status: ["0xc0000234", "0xc000006d"],
    SubStatus: ["0x0", "0xc000006a"],
    TargetDomainName: ["D", "D"],
    TargetUserName: ["u", "u"],
    TargetUserSid: ["S", "S"],
    IpAddress: ["192.0.2.1", "192.0.2.1"],
    IpPort: ["1", "2"],
    WorkstationName: ["W", "W"],
    AuthenticationPackageName: ["NTLM", "NTLM"],
    Computer: ["h.corp", "h.corp"],
    Type: ["SecurityEvent", "SecurityEvent"],
    _ResourceId: ["", ""],
  });
  const { frame } = await executeKql(
    "imAuthentication | project EventResultDetails, EventOriginalResultDetails",
    { tables: { SecurityEvent: se } },
  );
  assert.deepEqual(frame.toRecords(), [
    { EventResultDetails: "User locked", EventOriginalResultDetails: "0xc0000234" },
    { EventResultDetails: "Incorrect password", EventOriginalResultDetails: "0xc000006a" },
  ]);
});
