/**
 * Sentinel's ASIM file-event parser (`imFileEvent`, `_Im_FileEvent`, `ASimFileEvent`) over the
 * demo case's DeviceFileEvents and SecurityEvent 4663 (issue 16, point 3). Expected values come
 * from the demo case's answer key (fixtures/demo-case/ANSWERS.md: the implant, the LSASS dump,
 * the service binary arriving over SMB) and, for the synthetic rows, are worked out by hand from
 * Microsoft's parsers (Azure/Azure-Sentinel Parsers/ASimFileEvent/Parsers/vimFileEventM365D.yaml
 * and vimFileEventMicrosoftSecurityEvents.yaml).
 */
import assert from "node:assert/strict";
import { executeKql } from "../../src/kql/mod.ts";
import { pl } from "../../src/polars.ts";
import { runCasefile, runKqlCorpus, tempFolder } from "../_helpers.ts";

async function casefileJson(kql: string): Promise<Record<string, unknown>[]> {
  const run = await runCasefile(["query", kql, "--format", "json"]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

// ANSWERS.md, "Who and what" and stage 12.
const IMPLANT_SHA256 = "2dc5f1f0bc82428ec71acd28eb1a650bed7d5184b66f760120fa050263b552ec";
const SERVICE_SHA256 = "6b0517c0896539bbc4f1ee76891661ea869e6ff553ac29a06b0a068519f18c82";

Deno.test("casefile query: the implant written by PowerShell, found by its hash (stage 7)", async () => {
  // ANSWERS.md stage 7: the cradle (01:52:08Z) drops C:\ProgramData\EdgeUpdate\msedgeupdate.exe,
  // started at 01:52:41Z, on LKS-WS-1042 in the victim's session.
  const out = await casefileJson(
    `imFileEvent(hashes_has_any = dynamic(["${IMPLANT_SHA256}"]))
    | project TimeGenerated, EventType, DvcHostname, TargetFilePath, TargetFileName, HashType,
        Acting = tostring(split(ActingProcessName, @'\\')[-1]), ActorUsername, EventProduct, FilePath`,
  );
  assert.equal(out.length, 1, JSON.stringify(out));
  const [row] = out;
  const t = String(row.TimeGenerated);
  assert.ok(t > "2026-03-12T01:52:08Z" && t < "2026-03-12T01:52:41Z", t);
  assert.deepEqual({ ...row, TimeGenerated: undefined, ActorUsername: undefined }, {
    TimeGenerated: undefined,
    EventType: "FileCreated",
    DvcHostname: "lks-ws-1042",
    TargetFilePath: "C:\\ProgramData\\EdgeUpdate\\msedgeupdate.exe",
    TargetFileName: "msedgeupdate.exe",
    HashType: "SHA256",
    Acting: "powershell.exe",
    ActorUsername: undefined,
    EventProduct: "M365 Defender for Endpoint",
    FilePath: "C:\\ProgramData\\EdgeUpdate\\msedgeupdate.exe",
  });
  assert.match(String(row.ActorUsername), /daniel\.reyes/);
});

Deno.test("casefile query: the service binary arriving over SMB from the workstation (stage 12)", async () => {
  // ANSWERS.md stage 12: adm-tom.harper from 10.20.4.42 writes C:\Windows\Temp\wsh.exe on
  // LKS-FS01 between 03:05:26Z and 03:05:59Z; Defender saw it arrive over SMB. The source
  // address filter keeps only remote writes: the implant's local copy of a wsh.exe on the
  // workstation has no source address.
  const out = await casefileJson(
    `imFileEvent(srcipaddr_has_any_prefix = dynamic(["10.20.4.42"]), targetfilepath_has_any = dynamic(["wsh.exe"]))
    | project TimeGenerated, EventType, DvcHostname, TargetFilePath, SrcIpAddr, NetworkApplicationProtocol,
        ActorUsername, ActorUsernameType, TargetFileSHA256, IpAddr`,
  );
  assert.equal(out.length, 1, JSON.stringify(out));
  const [row] = out;
  const t = String(row.TimeGenerated);
  assert.ok(t >= "2026-03-12T03:05:26Z" && t <= "2026-03-12T03:05:59Z", t);
  assert.match(String(row.ActorUsername), /\\adm-tom\.harper$/i);
  assert.deepEqual({ ...row, TimeGenerated: 0, ActorUsername: 0 }, {
    TimeGenerated: 0,
    EventType: "FileCreated",
    DvcHostname: "lks-fs01",
    TargetFilePath: "C:\\Windows\\Temp\\wsh.exe",
    SrcIpAddr: "10.20.4.42",
    NetworkApplicationProtocol: "SMB",
    ActorUsername: 0,
    ActorUsernameType: "Windows",
    TargetFileSHA256: SERVICE_SHA256,
    IpAddr: "10.20.4.42",
  });
});

Deno.test("imFileEvent: the LSASS dump created then deleted, by time, host and event type (stage 10)", async () => {
  // ANSWERS.md stage 10 and "Where else": procdump64.exe writes C:\Users\Public\lsass.dmp at
  // 02:18:55Z on LKS-WS-1042, and the dump is deleted afterwards.
  const out = await casefileJson(
    `union
      (imFileEvent(starttime = datetime(2026-03-12T02:18:55Z), endtime = datetime(2026-03-12T06:00:00Z),
          targetfilepath_has_any = dynamic(["lsass.dmp"]), dvchostname_has_any = dynamic(["LKS-WS-1042"]))
        | order by TimeGenerated asc
        | summarize Types = make_list(EventType), Paths = make_set(TargetFilePath),
            By = make_list(tostring(split(ActingProcessName, @'\\')[-1])) | extend k = "window"),
      // eventtype_in compares without case, as Microsoft's parser (in~).
      (imFileEvent(eventtype_in = dynamic(["filedeleted"]), targetfilepath_has_any = dynamic(["lsass.dmp"]))
        | summarize Types = make_list(EventType), Paths = make_set(TargetFilePath), By = make_list("")
        | extend k = "deleted"),
      // Before the dump: nothing.
      (imFileEvent(endtime = datetime(2026-03-12T02:18:54Z), targetfilepath_has_any = dynamic(["lsass.dmp"]))
        | summarize Types = make_list(EventType), Paths = make_set(TargetFilePath), By = make_list("")
        | extend k = "before")
    | order by k asc`,
  );
  assert.deepEqual(out, [
    { Types: [], Paths: [], By: [], k: "before" },
    { Types: ["FileDeleted"], Paths: ["C:\\Users\\Public\\lsass.dmp"], By: [""], k: "deleted" },
    {
      Types: ["FileCreated", "FileDeleted"],
      Paths: ["C:\\Users\\Public\\lsass.dmp"],
      By: ["procdump64.exe", "cmd.exe"],
      k: "window",
    },
  ]);
});

Deno.test("casefile query: the staging read through imFileEvent's SecurityEvent 4663 leg (stage 14)", async () => {
  // ANSWERS.md, More hunting tables (SecurityEvent 4663): from 2026-03-13T03:02:10Z LKS-FS01$
  // (SYSTEM, the intruder's service) reads 8 Finance and HR files with 7z.exe on LKS-FS01.
  // AccessMask 0x1 (ReadData) is 'ObjectAccessed' in Microsoft's parser.
  const out = await casefileJson(
    `imFileEvent(starttime = datetime(2026-03-13T03:00:00Z), endtime = datetime(2026-03-13T04:00:00Z),
        eventtype_in = dynamic(["ObjectAccessed"]))
    | where ActingProcessName endswith "7z.exe"
    | summarize Files = dcount(TargetFilePath), First = min(TimeGenerated), Actors = make_set(ActorUsername)
        by EventProduct, EventOriginalType, Host = toupper(tostring(split(Dvc, ".")[0]))`,
  );
  assert.equal(out.length, 1, JSON.stringify(out));
  const [row] = out;
  assert.ok(String(row.First) >= "2026-03-13T03:02:10Z", String(row.First));
  assert.match(String((row.Actors as string[])[0]), /LKS-FS01\$/i);
  assert.deepEqual({ ...row, First: 0, Actors: 0 }, {
    EventProduct: "Security Events",
    EventOriginalType: "4663",
    Host: "LKS-FS01",
    Files: 8,
    First: 0,
    Actors: 0,
  });
});

Deno.test("ASimFileEvent keeps every row of its sources, and every schema field is a column", async () => {
  const out = await casefileJson(
    `union
      (ASimFileEvent | count | extend k = "asim"),
      (union (DeviceFileEvents | count),
          (SecurityEvent | where EventID == 4663 and ObjectType == "File" and ObjectName !startswith @"\\Device\\"
            | count)
        | summarize Count = sum(Count) | extend k = "raw"),
      (imFileEvent | getschema
        | where ColumnName in ("SrcFileSHA256", "TargetFileExtension", "ThreatName", "TargetFileSize", "RuleNumber")
        | summarize Count = count() | extend k = "schema fields"),
      // One column per field: a field two legs typed differently would split in two (x_string, x_long).
      (imFileEvent | getschema | where ColumnName matches regex @"_(string|long|int|real|datetime|bool|dynamic)$"
        | count | extend k = "split fields")
    | project k, Count`,
  );
  const n = Object.fromEntries(out.map((r) => [r.k, r.Count]));
  assert.ok((n.raw as number) > 1000, JSON.stringify(n));
  assert.equal(n.asim, n.raw);
  assert.equal(n["schema fields"], 5);
  assert.equal(n["split fields"], 0);
});

Deno.test("imFileEvent over Defender rows by hand: remote and local actors, renames, paths", async () => {
  // Defender's FolderPath ends with the file name; a FolderPath without it is joined to
  // FileName as Microsoft's parser does. The frame has no Request* columns at all on the
  // second table: a Defender export without them still parses (column_ifexists).
  const t = new Date("2026-01-01T00:00:00Z");
  const dfe = pl.DataFrame({
    TimeGenerated: [t, t, t],
    ActionType: ["FileRenamed", "FileCreated", "FileModified"],
    DeviceName: ["ws1.corp.example", "srv2.corp.example", "lnx3"],
    DeviceId: ["d1", "d2", "d3"],
    FileName: ["report.docx", "tool.exe", "app.log"],
    FolderPath: ["C:\\Users\\amy\\Documents\\report.docx", "C:\\Temp", "/var/log"],
    PreviousFileName: ["~WRL0001.tmp", "", ""],
    PreviousFolderPath: ["C:\\Users\\amy\\Documents", "", ""],
    SHA256: ["", "aa", ""],
    SHA1: ["s1", "bb", ""],
    MD5: ["m1", "cc", ""],
    InitiatingProcessAccountDomain: ["corp", "nt authority", "root"],
    InitiatingProcessAccountName: ["amy", "system", "root"],
    InitiatingProcessAccountUpn: ["amy@corp.example", "", ""],
    InitiatingProcessAccountSid: ["S-1-5-21-1", "S-1-5-18", ""],
    InitiatingProcessFolderPath: ["c:\\office\\winword.exe", "system", "/usr/bin/logger"],
    RequestAccountName: ["", "bob", ""],
    RequestAccountDomain: ["", "CORP", ""],
    RequestAccountSid: ["", "S-1-5-21-2", ""],
    RequestSourceIP: ["", "10.0.0.9", ""],
    RequestProtocol: ["", "SMB", ""],
    Type: ["DeviceFileEvents", "DeviceFileEvents", "DeviceFileEvents"],
  });
  const { frame } = await executeKql(
    `imFileEvent | project EventType, TargetFilePath, SrcFilePath, SrcFilePathType, ActorUsername,
        ActorUsernameType, TargetUsername, SrcIpAddr, NetworkApplicationProtocol, Hash, HashType, DvcHostname,
        DvcFQDN, Dvc, DvcOs, TargetFilePathType | order by EventType asc`,
    { tables: { DeviceFileEvents: dfe } },
  );
  assert.deepEqual(frame.toRecords(), [
    {
      EventType: "FileCreated",
      TargetFilePath: "C:\\Temp\\tool.exe",
      SrcFilePath: "",
      SrcFilePathType: "",
      ActorUsername: "CORP\\bob",
      ActorUsernameType: "Windows",
      TargetUsername: "nt authority\\system",
      SrcIpAddr: "10.0.0.9",
      NetworkApplicationProtocol: "SMB",
      Hash: "aa",
      HashType: "SHA256",
      DvcHostname: "srv2",
      DvcFQDN: "srv2.corp.example",
      Dvc: "srv2.corp.example",
      DvcOs: "Windows",
      TargetFilePathType: "Windows Local",
    },
    {
      EventType: "FileModified",
      TargetFilePath: "/var/log/app.log",
      SrcFilePath: "",
      SrcFilePathType: "",
      ActorUsername: "root\\root",
      ActorUsernameType: "Windows",
      TargetUsername: "",
      SrcIpAddr: "",
      NetworkApplicationProtocol: "",
      Hash: "",
      HashType: "",
      DvcHostname: "lnx3",
      DvcFQDN: "",
      Dvc: "lnx3",
      DvcOs: "Linux",
      TargetFilePathType: "Unix",
    },
    {
      EventType: "FileRenamed",
      TargetFilePath: "C:\\Users\\amy\\Documents\\report.docx",
      SrcFilePath: "C:\\Users\\amy\\Documents\\~WRL0001.tmp",
      SrcFilePathType: "Windows Local",
      ActorUsername: "amy@corp.example",
      ActorUsernameType: "UPN",
      TargetUsername: "",
      SrcIpAddr: "",
      NetworkApplicationProtocol: "",
      Hash: "s1",
      HashType: "SHA1",
      DvcHostname: "ws1",
      DvcFQDN: "ws1.corp.example",
      Dvc: "ws1.corp.example",
      DvcOs: "Windows",
      TargetFilePathType: "Windows Local",
    },
  ]);
  // The actor filter reads the Windows name too (Microsoft's reads domain, name and UPN).
  const byDomain = await executeKql(
    `imFileEvent(actorusername_has_any = dynamic(["corp"])) | project TargetFileName | order by TargetFileName asc`,
    { tables: { DeviceFileEvents: dfe } },
  );
  assert.deepEqual(byDomain.frame.toRecords(), [
    { TargetFileName: "report.docx" },
    { TargetFileName: "tool.exe" },
  ]);
  // srcfilepath_has_any reads the previous path; a Defender table without Request* columns parses.
  const minimal = pl.DataFrame({
    TimeGenerated: [t],
    ActionType: ["FileCreated"],
    DeviceName: ["ws9"],
    FileName: ["a.txt"],
    FolderPath: ["C:\\a.txt"],
  });
  const renamed = await executeKql(
    `union (imFileEvent(srcfilepath_has_any = dynamic(["~WRL0001.tmp"])) | project TargetFileName),
      (imFileEvent(dvchostname_has_any = dynamic(["ws9"])) | project TargetFileName)`,
    { tables: { DeviceFileEvents: minimal } },
  );
  assert.deepEqual(renamed.frame.toRecords(), [{ TargetFileName: "a.txt" }]);
});

Deno.test("imFileEvent reads SecurityEvent 4663 as Microsoft's parser: access mask, files only", async () => {
  // vimFileEventMicrosoftSecurityEvents: 4663 on a File (not a \Device\ path); the access mask
  // names the event (0x10000 DELETE is ObjectDeleted, 0x2 WriteData ObjectModified); a '-'
  // subject with SYSTEM's SID is 'Local System'; the device is the Computer as logged.
  const t = new Date("2026-01-01T00:00:00Z");
  const se = pl.DataFrame({
    TimeGenerated: [t, t, t, t],
    EventID: [4663, 4663, 4663, 4624],
    Computer: ["fs1.corp.example", "fs1.corp.example", "fs1.corp.example", "fs1.corp.example"],
    ObjectType: ["File", "File", "Key", "File"],
    ObjectName: [
      "D:\\Shares\\Finance\\q1.xlsx",
      "\\Device\\HarddiskVolume2\\x",
      "\\REGISTRY\\MACHINE",
      "D:\\y",
    ],
    AccessMask: ["0x10000", "0x2", "0x1", "0x1"],
    SubjectUserName: ["-", "amy", "amy", "amy"],
    SubjectUserSid: ["S-1-5-18", "S-1-5-21-1", "S-1-5-21-1", "S-1-5-21-1"],
    SubjectAccount: ["-\\-", "CORP\\amy", "CORP\\amy", "CORP\\amy"],
    AccountType: ["Machine", "User", "User", "User"],
    ProcessName: ["C:\\Windows\\explorer.exe", "x", "x", "x"],
    Type: ["SecurityEvent", "SecurityEvent", "SecurityEvent", "SecurityEvent"],
  });
  const { frame } = await executeKql(
    `imFileEvent | project EventType, TargetFilePath, ActorUsername, ActorUsernameType, ActorUserType,
        ActingProcessName, Dvc, EventProduct, EventOriginalType`,
    { tables: { SecurityEvent: se } },
  );
  assert.deepEqual(frame.toRecords(), [{
    EventType: "ObjectDeleted",
    TargetFilePath: "D:\\Shares\\Finance\\q1.xlsx",
    ActorUsername: "Local System",
    ActorUsernameType: "Simple",
    ActorUserType: "Machine",
    ActingProcessName: "C:\\Windows\\explorer.exe",
    Dvc: "fs1.corp.example",
    EventProduct: "Security Events",
    EventOriginalType: "4663",
  }]);
  // The Security log records no hash: asking for one excludes its rows, as there.
  const hashed = await executeKql(`imFileEvent(hashes_has_any = dynamic(["aa"])) | count`, {
    tables: { SecurityEvent: se },
  });
  assert.equal(hashed.frame.toRecords()[0].Count, 0);
});

Deno.test("deno run scripts/kql_corpus.ts runs published imFileEvent queries on the demo case", async () => {
  const dir = await tempFolder({
    // Microsoft Threat Intelligence, "Detect file hashes indicators of compromise using ASIM",
    // with the case's implant hash (ANSWERS.md, Indicators).
    "ioc_hash.kql": `let ioc_sha_hashes = dynamic(["${IMPLANT_SHA256}"]);
imFileEvent
| where SrcFileSHA256 in (ioc_sha_hashes) or
TargetFileSHA256 in (ioc_sha_hashes)
| extend AccountName = tostring(split(User, @'\\')[1]),
  AccountNTDomain = tostring(split(User, @'\\')[0])
| extend AlgorithmType = "SHA256"`,
    // "SUNSPOT log file creation" (Azure-Sentinel), its imFileEvent leg.
    "sunspot.kql": `imFileEvent
| where TargetFileName endswith "vmware-vmdmp.log"
| extend HostCustomEntity = DvcHostname, timestamp=TimeGenerated`,
    // "H0lyGh0st ransomware" file drops (Azure-Sentinel), its imFileEvent leg.
    "holyghost.kql": `imFileEvent
| where EventType == "FileCreated"
| where TargetFilePath endswith ".h0lyenc" or TargetFilePath == "C:\\\\FOR_DECRYPT.html"
| summarize StartTime = min(TimeGenerated), EndTime = max(TimeGenerated) by AccountCustomEntity = ActorUsername, HostCustomEntity = DvcHostname, DvcId, Type, EventType,  FileHashCustomEntity = TargetFileSHA256, Hash, TargetFilePath, Commandline = ActingProcessCommandLine`,
  });
  const child = await runKqlCorpus(dir);
  const text = child.stdout;
  assert.match(text, /summary: 3\/3 ran/, text + child.stderr);
  // The implant once (its FileCreated row); no SUNSPOT log, no H0lyGh0st drop in the case.
  assert.match(text, /ran\s+ioc_hash\.kql\s+1 rows?/, text);
  assert.match(text, /ran\s+sunspot\.kql\s+0 rows/, text);
  assert.match(text, /ran\s+holyghost\.kql\s+0 rows/, text);
});

Deno.test("iff and case over typed nulls only give a typed null (a source lacking both columns)", async () => {
  // Kusto: iff(c, int(null), int(null)) is an int null; this raised a JavaScript error before.
  const { frame } = await executeKql(
    `datatable(c: bool) [true, false]
    | extend a = iff(c, int(null), int(null)), b = case(c, long(null), long(null)),
        d = iff(c, toint(column_ifexists("RequestSourcePort", int(null))), int(null))
    | getschema | where ColumnName != "c" | project ColumnName, ColumnType`,
    { tables: {} },
  );
  assert.deepEqual(frame.toRecords(), [
    { ColumnName: "a", ColumnType: "int" },
    { ColumnName: "b", ColumnType: "long" },
    { ColumnName: "d", ColumnType: "int" },
  ]);
});
