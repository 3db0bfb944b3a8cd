/**
 * Rows other tables record for the same event, derived from the rows already generated (benign
 * and planted alike), so they agree with the case's story and draw no random stream:
 *
 * - Defender for Office's EmailUrlInfo (one row per link of a message), EmailAttachmentInfo
 *   (one row per attachment) and UrlClickEvents (Safe Links clicks), from EmailEvents rows;
 * - the Security log's 5145 (detailed file share, audited on the file server LKS-FS01 only)
 *   for each share access there (5140), with the 4663 of the file on the audited Finance and
 *   HR folders, and 5058 (key file operation: the RDP service reading
 *   its TLS key, `TSSecKeySet1`) for each remote-interactive logon (4624 type 10).
 *
 * Every choice is a hash of the source row, so regeneration stays byte-identical.
 *
 * @module
 */
import { CLOUD_ANSWER_KEY } from "./_cloud_attack.ts";
import type { DerivedEmit } from "./_derived.ts";
import { ORG, type Organisation } from "./_org.ts";
import { hash32 } from "./_prng.ts";
import type { Row } from "./_table.ts";
import { hex } from "./_windows.ts";
import { DAY, END, MINUTE, SECOND, START } from "./_clock.ts";

/** The file server, the only machine auditing detailed file share access (5145). */
export const FILE_SERVER = "LKS-FS01";

/** A stable 64-hex-digit digest of `text` (for attachment hashes). */
function sha256Of(text: string): string {
  let out = "";
  for (let i = 0; i < 8; i++) out += hash32(`${text}/${i}`).toString(16).padStart(8, "0");
  return out;
}

/** The links of one message, derived from its sender, subject and id. */
export function messageUrls(row: Row): string[] {
  const count = Number(row.UrlCount ?? 0);
  const domain = String(row.SenderFromDomain);
  const id = String(row.NetworkMessageId);
  const h = hash32(id);
  if (count <= 0) return [];
  if (domain === CLOUD_ANSWER_KEY.phishing.senderDomain) return [CLOUD_ANSWER_KEY.phishing.url];
  const urls: string[] = [];
  for (let k = 0; k < count; k++) {
    if (domain === "sharepointonline.com") {
      urls.push(
        k === 0
          ? `https://larkspurlogistics.sharepoint.com/:x:/s/Operations/E${h.toString(36)}?e=${
            (h % 99991).toString(36)
          }`
          : "https://larkspurlogistics.sharepoint.com/_layouts/15/sharedwithme.aspx",
      );
    } else if (domain.endsWith(".example") && /^(account-verify|promo)-/.test(domain)) {
      urls.push(`https://${domain}/${domain.startsWith("promo") ? "offer" : "login"}?s=${h + k}`);
    } else if (
      String(row.Subject).startsWith("This week") || /bulletin/i.test(String(row.Subject))
    ) {
      const day = new Date(Number(row.TimeGenerated) / 1000).toISOString().slice(0, 10);
      urls.push(
        k === count - 1
          ? `https://www.${domain}/unsubscribe`
          : `https://www.${domain}/issues/${day}/story-${k + 1}`,
      );
    } else {
      urls.push(`https://portal.${domain}/documents/${(h + k) % 100000}`);
    }
  }
  return urls;
}

/** The attachment file names of one message, from its subject. */
function attachmentNames(row: Row): string[] {
  const count = Number(row.AttachmentCount ?? 0);
  const subject = String(row.Subject).replace(/^(RE|FW): /, "");
  const h = hash32(String(row.NetworkMessageId));
  const names: string[] = [];
  for (let k = 0; k < count; k++) {
    if (/figures|rota/i.test(subject)) names.push(`${subject.replace(/\W+/g, " ").trim()}.xlsx`);
    else if (/notes|question|escalation|lunch/i.test(subject)) {
      names.push(`${subject.replace(/\W+/g, " ").trim()}.docx`);
    } else if (/invoice/i.test(subject)) {
      names.push(`${/INV-\d+/.exec(subject)?.[0] ?? `INV-${20000 + (h % 1000)}`}.pdf`);
    } else names.push(`${subject.replace(/[^\w -]+/g, " ").replace(/\s+/g, " ").trim()}.pdf`);
  }
  return names;
}

/** Chance (per mille) that the recipient of a delivered message clicks its first link. */
function clickPerMille(row: Row): number {
  const domain = String(row.SenderFromDomain);
  if (domain === "sharepointonline.com") return 600;
  if (String(row.Subject).startsWith("This week") || /bulletin/i.test(String(row.Subject))) {
    return 150;
  }
  return 300;
}

/**
 * Returns a function that, given one EmailEvents row, emits its EmailUrlInfo,
 * EmailAttachmentInfo and (for some delivered inbound mail) UrlClickEvents rows. The consent
 * phish's click is planted (`_hunt_tables.ts`), not drawn here.
 */
export function emailEchoes(org: Organisation): (row: Row, emit: DerivedEmit) => void {
  return (row, emit) => {
    const time = Number(row.TimeGenerated);
    const id = String(row.NetworkMessageId);
    const urls = messageUrls(row);
    for (const [k, url] of urls.entries()) {
      emit("EmailUrlInfo", {
        TimeGenerated: time,
        Timestamp: time,
        NetworkMessageId: id,
        ReportId: `${row.ReportId}-u${k}`,
        Url: url,
        UrlDomain: new URL(url).hostname,
        UrlLocation: "Body",
      });
    }
    const sender = org.byUpn.get(String(row.SenderFromAddress));
    for (const [k, name] of attachmentNames(row).entries()) {
      emit("EmailAttachmentInfo", {
        TimeGenerated: time,
        Timestamp: time,
        NetworkMessageId: id,
        ReportId: `${row.ReportId}-a${k}`,
        SenderFromAddress: row.SenderFromAddress,
        SenderDisplayName: row.SenderDisplayName,
        SenderObjectId: sender?.objectId,
        RecipientEmailAddress: row.RecipientEmailAddress,
        RecipientObjectId: row.RecipientObjectId,
        FileName: name,
        FileType: name.slice(name.lastIndexOf(".") + 1),
        FileSize: 18_000 + (hash32(`${id}/${k}`) % 900_000),
        SHA256: sha256Of(`${id}/${name}`),
      });
    }
    const recipient = org.byUpn.get(String(row.RecipientEmailAddress));
    const h = hash32(`${id}/click`);
    if (
      urls.length === 0 || recipient === undefined || row.EmailDirection !== "Inbound" ||
      row.DeliveryLocation !== "Inbox/folder" ||
      row.SenderFromDomain === CLOUD_ANSWER_KEY.phishing.senderDomain ||
      h % 1000 >= clickPerMille(row)
    ) return;
    const at = time + (3 + (h >>> 10) % 120) * MINUTE + (h % 60) * SECOND;
    if (at >= END) return;
    emit(
      "UrlClickEvents",
      urlClickRow({
        time: at,
        upn: recipient.upn,
        ip: recipient.office === "London HQ" ? ORG.egress.london : ORG.egress.manchester,
        url: urls[0],
        messageId: id,
        reportId: `${row.ReportId}-c`,
      }),
    );
  };
}

/** One Safe Links click on a link the filters did not flag. */
export function urlClickRow(c: {
  time: number;
  upn: string;
  ip: string;
  url: string;
  messageId: string;
  reportId: string;
}): Row {
  return {
    TimeGenerated: c.time,
    Timestamp: c.time,
    ReportId: c.reportId,
    Url: c.url,
    UrlChain: JSON.stringify([c.url]),
    ActionType: "ClickAllowed",
    AccountUpn: c.upn,
    Workload: "Email",
    NetworkMessageId: c.messageId,
    IPAddress: c.ip,
    ThreatTypes: "",
    DetectionMethods: "",
    IsClickedThrough: false,
  };
}

/** Documents staff open on each share (the relative names 5145 logs). */
const SHARE_FILES: Readonly<Record<string, readonly string[]>> = {
  Finance: ["Payments\\Supplier payments 2026-03.xlsx", "Budget\\FY26 forecast.xlsx"],
  HR: ["Staff\\Rota March.xlsx", "Policies\\Leave policy.docx"],
  Board: ["Minutes\\Board minutes 2026-02.docx", "Packs\\Q1 board pack.pptx"],
  IT$: ["Scripts\\inventory.ps1", "Docs\\Network diagram.vsdx"],
  Shared: ["Templates\\Delivery note.docx", "Depots\\Manchester contacts.xlsx"],
};

/** Read: READ_CONTROL, SYNCHRONIZE, ReadData, ReadEA, ReadAttributes (5145 AccessList). */
const READ = { mask: "0x120089", list: "%%1538 %%1541 %%4416 %%4419 %%4423 " };
/** Read and write (WriteData %%4417, AppendData %%4418, WriteEA, WriteAttributes). */
const WRITE = {
  mask: "0x12019f",
  list: "%%1538 %%1541 %%4416 %%4417 %%4418 %%4419 %%4420 %%4423 %%4424 ",
};

/**
 * Returns a function that, given one SecurityEvent row, emits the Security log rows that go
 * with it: a 5145 for each share access (5140) on the file server, and a 5058 for each RDP
 * logon (4624 type 10), when the RDP service reads its TLS key.
 */
export function securityEventExtras(
  org: Organisation,
): (row: Row, emit: (row: Row) => void) => void {
  return (row, emit) => {
    const computer = String(row.Computer);
    const host = org.byHost.get(computer.split(".")[0]);
    if (host === undefined) return;
    const time = Number(row.TimeGenerated);
    const h = hash32(`${computer}/${time}/${row.SubjectLogonId ?? row.TargetLogonId}`);
    const common = {
      SourceSystem: "OpsManager",
      Computer: computer,
      EventSourceName: "Microsoft-Windows-Security-Auditing",
      Channel: "Security",
    };
    if (row.EventID === 5140 && host.name === FILE_SERVER) {
      const share = String(row.ShareName).replace("\\\\*\\", "");
      const [target, access]: [string, typeof READ] = share === "C$"
        ? ["Windows\\Temp\\wsh.exe", WRITE]
        : share === "IPC$"
        ? ["svcctl", WRITE]
        : [(SHARE_FILES[share] ?? SHARE_FILES.Shared)[h % 2], h % 5 === 0 ? WRITE : READ];
      emit({
        ...common,
        TimeGenerated: time + 15_000 + (h % 400) * 1000,
        Task: 12811,
        EventID: 5145,
        Activity:
          "5145 - A network share object was checked to see whether client can be granted desired access.",
        Account: row.Account,
        AccountType: row.AccountType,
        SubjectUserSid: row.SubjectUserSid,
        SubjectUserName: row.SubjectUserName,
        SubjectDomainName: row.SubjectDomainName,
        SubjectLogonId: row.SubjectLogonId,
        SubjectAccount: row.SubjectAccount,
        ObjectType: "File",
        IpAddress: row.IpAddress,
        IpPort: row.IpPort,
        ShareName: row.ShareName,
        ShareLocalPath: row.ShareLocalPath,
        RelativeTargetName: target,
        AccessMask: access.mask,
        AccessList: access.list,
      });
      // Object access is audited on the Finance and HR folders: the read (or write) of the file
      // itself, by the SMB server in the System process.
      if (share === "Finance" || share === "HR") {
        const write = access === WRITE;
        emit({
          ...common,
          TimeGenerated: time + 40_000 + (h % 400) * 1000,
          Task: 12800,
          EventID: 4663,
          Activity: "4663 - An attempt was made to access an object.",
          Account: row.Account,
          AccountType: row.AccountType,
          SubjectUserSid: row.SubjectUserSid,
          SubjectUserName: row.SubjectUserName,
          SubjectDomainName: row.SubjectDomainName,
          SubjectLogonId: row.SubjectLogonId,
          SubjectAccount: row.SubjectAccount,
          ObjectServer: "Security",
          ObjectType: "File",
          ObjectName: `${String(row.ShareLocalPath).replace("\\??\\", "")}\\${target}`,
          HandleId: `0x${(0x100 + (h % 0x800)).toString(16)}`,
          AccessMask: write ? "0x2" : "0x1",
          AccessList: write ? "%%4417 " : "%%4416 ",
          ProcessId: "0x4",
          ProcessName: "System",
        });
      }
    } else if (row.EventID === 4624 && row.LogonType === 10) {
      // The TLS handshake comes just before the logon, but never before the day's start
      // (that day's rows may already be written).
      const dayStart = START + Math.floor((time - START) / DAY) * DAY;
      const at = Math.max(dayStart, time - 800_000);
      const pid = 0x400 + (hash32(host.name) % 0x1800);
      const data: ReadonlyArray<readonly [string, string]> = [
        ["SubjectUserSid", "S-1-5-20"],
        ["SubjectUserName", `${host.name}$`],
        ["SubjectDomainName", ORG.netbios],
        ["SubjectLogonId", "0x3e4"],
        ["ClientProcessId", String(pid)],
        ["ClientCreationTime", new Date(Math.floor(at / 1000) - 86_400_000).toISOString()],
        ["ProviderName", "Microsoft Software Key Storage Provider"],
        ["AlgorithmName", "RSA"],
        ["KeyName", "TSSecKeySet1"],
        ["KeyType", "%%2499"],
        [
          "KeyFilePath",
          "C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\" +
          `f686aace6942fb7f7ceb231212eef4a4_${host.vmuuid}`,
        ],
        ["Operation", "%%2458"],
        ["ReturnCode", "0x0"],
      ];
      emit({
        ...common,
        TimeGenerated: at,
        Task: 12292,
        EventID: 5058,
        Activity: "5058 - Key file operation.",
        Account: `${ORG.netbios}\\${host.name}$`,
        AccountType: "Machine",
        SubjectUserSid: "S-1-5-20",
        SubjectUserName: `${host.name}$`,
        SubjectDomainName: ORG.netbios,
        SubjectLogonId: hex(0x3e4),
        SubjectAccount: `${ORG.netbios}\\${host.name}$`,
        EventData: '<EventData xmlns="http://schemas.microsoft.com/win/2004/08/events/event">' +
          data.map(([k, v]) => `<Data Name="${k}">${v}</Data>`).join("") + "</EventData>",
      });
    }
  };
}
