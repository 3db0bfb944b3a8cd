/**
 * Process event schemas: which columns of each log source hold the process id, its
 * parent's id, the image, the time... and the conversion of any of them to one normalised
 * frame that the tree builder works on.
 *
 * @module
 */
import { type DataFrame, DATETIME, type Expr, pl } from "../polars.ts";
import {
  baseNameExpr,
  datetimeExpr,
  firstPresent,
  parseProcessId,
  requireColumns,
  variantOfColumn,
  withProcessId,
} from "./_columns.ts";
import { AnalysisError } from "./errors.ts";

/** The process event sources casefile knows by name. */
export type ProcessSchemaKind =
  | "securityEvent"
  | "sysmon"
  | "deviceProcessEvents"
  | "auditd";

/** The process event sources casefile knows by name, as a list. */
export const PROCESS_SCHEMA_KINDS: readonly ProcessSchemaKind[] = [
  "securityEvent",
  "sysmon",
  "deviceProcessEvents",
  "auditd",
];

/**
 * Which columns of a process-creation table hold what. Only the first four are required;
 * the rest make a better tree (parent names guard against pid reuse; a parent's exact
 * creation time or GUID makes the link certain).
 */
export interface ProcessColumns {
  /** The new process's id (integer, decimal text or `0x` hex text). */
  readonly processId: string;
  /** The parent (creator) process's id. */
  readonly parentProcessId: string;
  /** The new process's image path or file name. */
  readonly processName: string;
  /** When the process was created. */
  readonly time: string;
  /** The parent's image path or file name. */
  readonly parentProcessName?: string;
  /** The parent's exact creation time (Defender's `InitiatingProcessCreationTime`). */
  readonly parentTime?: string;
  /** A unique process id (Sysmon's `ProcessGuid`). */
  readonly processGuid?: string;
  /** The parent's unique id (Sysmon's `ParentProcessGuid`). */
  readonly parentProcessGuid?: string;
  /** The new process's command line. */
  readonly commandLine?: string;
  /** The computer; without it all rows are taken as one host. */
  readonly host?: string;
  /** The account the process runs as. */
  readonly account?: string;
  /** The logon session the process runs in. */
  readonly logonId?: string;
  /** The grandparent's id, name and creation time, where the source logs them (Defender). */
  readonly grandparentProcessId?: string;
  /** The grandparent's image. */
  readonly grandparentProcessName?: string;
  /** The grandparent's creation time. */
  readonly grandparentTime?: string;
  /** Keep only rows whose `column` equals `value` (e.g. EventID 4688). */
  readonly filter?: { readonly column: string; readonly value: string | number };
}

/** The normalised process frame and what it knows. */
export interface NormalisedProcesses {
  /**
   * Columns: __row (input row), __host, __pid, __ppid, __image, __parentImage, __time,
   * __parentTime, __guid, __pguid, __cmd, __account, __logonId, __gppid, __gpImage, __gpTime.
   */
  readonly frame: DataFrame;
  readonly kind: ProcessSchemaKind | "custom";
  readonly hasParentName: boolean;
  readonly hasParentTime: boolean;
  readonly hasGuid: boolean;
  /** Windows sources write ids in hex; the text tree follows. */
  readonly hexIds: boolean;
  /** The input's row count before the event filter. */
  readonly inputRows: number;
}

const ANALYSIS = "buildProcessTree";

/** The columns of the named sources (auditd is parsed from its raw message when needed). */
export const PROCESS_SCHEMAS: Readonly<
  Record<Exclude<ProcessSchemaKind, "auditd">, ProcessColumns>
> = {
  securityEvent: {
    processId: "NewProcessId",
    parentProcessId: "ProcessId",
    processName: "NewProcessName",
    parentProcessName: "ParentProcessName",
    time: "TimeGenerated",
    commandLine: "CommandLine",
    host: "Computer",
    account: "Account",
    logonId: "SubjectLogonId",
    filter: { column: "EventID", value: 4688 },
  },
  sysmon: {
    processId: "ProcessId",
    parentProcessId: "ParentProcessId",
    processName: "Image",
    parentProcessName: "ParentImage",
    processGuid: "ProcessGuid",
    parentProcessGuid: "ParentProcessGuid",
    time: "UtcTime",
    commandLine: "CommandLine",
    host: "Computer",
    account: "User",
    logonId: "LogonId",
    filter: { column: "EventID", value: 1 },
  },
  deviceProcessEvents: {
    processId: "ProcessId",
    parentProcessId: "InitiatingProcessId",
    processName: "FolderPath",
    parentProcessName: "InitiatingProcessFolderPath",
    time: "ProcessCreationTime",
    parentTime: "InitiatingProcessCreationTime",
    commandLine: "ProcessCommandLine",
    host: "DeviceName",
    account: "AccountName",
    logonId: "LogonId",
    grandparentProcessId: "InitiatingProcessParentId",
    grandparentProcessName: "InitiatingProcessParentFileName",
    grandparentTime: "InitiatingProcessParentCreationTime",
    filter: { column: "ActionType", value: "ProcessCreated" },
  },
};

/** The named source whose columns `columns` has, or undefined. */
export function detectProcessSchema(columns: readonly string[]): ProcessSchemaKind | undefined {
  const has = new Set(columns);
  if (has.has("NewProcessId") && has.has("NewProcessName") && has.has("ProcessId")) {
    return "securityEvent";
  }
  if (has.has("InitiatingProcessId") && has.has("ProcessId") && has.has("FileName")) {
    return "deviceProcessEvents";
  }
  if ((has.has("Image") && has.has("ParentProcessId")) || has.has("EventData")) return "sysmon";
  if (has.has("AuditdMessage") || (has.has("pid") && has.has("ppid") && has.has("exe"))) {
    return "auditd";
  }
  return undefined;
}

/** Converts process events of any known or described source to the normalised frame. */
export function normaliseProcesses(
  input: DataFrame,
  schema: ProcessSchemaKind | ProcessColumns | undefined,
): NormalisedProcesses {
  const kind = schema === undefined ? detectProcessSchema(input.columns) : schema;
  if (kind === undefined) {
    throw new AnalysisError(
      `${ANALYSIS}: cannot tell which process events these columns hold ` +
        `(${input.columns.slice(0, 8).join(", ")}${input.columns.length > 8 ? ", ..." : ""})`,
      {
        analysis: ANALYSIS,
        hint: `Pass { schema: "${PROCESS_SCHEMA_KINDS.join('" | "')}" }, or a column mapping ` +
          "{ processId, parentProcessId, processName, time, ... }.",
      },
    );
  }
  if (typeof kind === "object") return fromColumns(input, kind, "custom");
  switch (kind) {
    case "securityEvent":
      return fromColumns(input, PROCESS_SCHEMAS.securityEvent, kind);
    case "sysmon":
      return fromColumns(sysmonColumns(input), sysmonMapping(input), kind);
    case "deviceProcessEvents":
      return fromColumns(input, deviceMapping(input), kind);
    case "auditd":
      return auditd(input);
  }
}

function optional(frame: DataFrame, column: string | undefined): string | undefined {
  return column !== undefined && frame.columns.includes(column) ? column : undefined;
}

function sysmonMapping(frame: DataFrame): ProcessColumns {
  const base = PROCESS_SCHEMAS.sysmon;
  const time = firstPresent(frame, ["UtcTime", "TimeGenerated"]) ?? "UtcTime";
  return { ...base, time };
}

function deviceMapping(frame: DataFrame): ProcessColumns {
  const base = PROCESS_SCHEMAS.deviceProcessEvents;
  return {
    ...base,
    processName: firstPresent(frame, ["FolderPath", "FileName"]) ?? "FileName",
    parentProcessName: firstPresent(frame, [
      "InitiatingProcessFolderPath",
      "InitiatingProcessFileName",
    ]),
    time: firstPresent(frame, ["ProcessCreationTime", "Timestamp", "TimeGenerated"]) ??
      "ProcessCreationTime",
  };
}

const SYSMON_FIELDS = [
  "UtcTime",
  "ProcessGuid",
  "ProcessId",
  "Image",
  "CommandLine",
  "User",
  "LogonId",
  "ParentProcessGuid",
  "ParentProcessId",
  "ParentImage",
] as const;

/**
 * Sysmon rows from the Event table carry their fields in `EventData` XML; pull them out
 * into columns (and keep only Sysmon's own rows) unless a parser already did.
 */
function sysmonColumns(frame: DataFrame): DataFrame {
  if (frame.columns.includes("Image") || !frame.columns.includes("EventData")) return frame;
  let out = frame;
  if (frame.columns.includes("Source")) {
    out = out.filter(pl.col("Source").str.contains("Sysmon"));
  }
  const unescape = (e: Expr) =>
    e.str.replaceAll("&lt;", "<", true).str.replaceAll("&gt;", ">", true)
      .str.replaceAll("&quot;", '"', true).str.replaceAll("&apos;", "'", true)
      .str.replaceAll("&amp;", "&", true);
  return out.withColumns(
    ...SYSMON_FIELDS.map((field) =>
      unescape(
        pl.col("EventData").cast(pl.Utf8).str.extract(
          `<Data Name="${field}">([^<]*)</Data>`,
          1,
        ),
      ).alias(field)
    ),
  );
}

function fromColumns(
  input: DataFrame,
  columns: ProcessColumns,
  kind: ProcessSchemaKind | "custom",
  rowColumn?: string,
): NormalisedProcesses {
  requireColumns(
    input,
    [columns.processId, columns.parentProcessId, columns.processName, columns.time],
    ANALYSIS,
    "Pass { schema: { processId, parentProcessId, processName, time } } naming your columns.",
  );
  let frame = rowColumn
    ? input.withColumn(pl.col(rowColumn).alias("__row"))
    : input.withRowIndex("__row");
  const filter = columns.filter;
  if (filter && frame.columns.includes(filter.column)) {
    const variant = variantOfColumn(frame, filter.column);
    const value = variant === "Utf8" ? String(filter.value) : filter.value;
    frame = frame.filter(pl.col(filter.column).eq(pl.lit(value)));
  }
  const c = {
    parentName: optional(frame, columns.parentProcessName),
    parentTime: optional(frame, columns.parentTime),
    guid: optional(frame, columns.processGuid),
    pguid: optional(frame, columns.parentProcessGuid),
    cmd: optional(frame, columns.commandLine),
    host: optional(frame, columns.host),
    account: optional(frame, columns.account),
    logonId: optional(frame, columns.logonId),
    gppid: optional(frame, columns.grandparentProcessId),
    gpName: optional(frame, columns.grandparentProcessName),
    gpTime: optional(frame, columns.grandparentTime),
  };
  const hexIds = kind === "securityEvent" ||
    (variantOfColumn(frame, columns.processId) === "Utf8" &&
      frame.height > 0 &&
      /^0x/i.test(String(frame.getColumn(columns.processId).get(0) ?? "")));
  frame = withProcessId(frame, columns.processId, "__pid", ANALYSIS);
  frame = withProcessId(frame, columns.parentProcessId, "__ppid", ANALYSIS);
  frame = c.gppid
    ? withProcessId(frame, c.gppid, "__gppid", ANALYSIS)
    : frame.withColumn(pl.lit(null).cast(pl.Int64).alias("__gppid"));
  const text = (column: string | undefined, alias: string): Expr =>
    (column ? pl.col(column).cast(pl.Utf8) : pl.lit(null).cast(pl.Utf8)).alias(alias);
  const time = (column: string | undefined, alias: string): Expr =>
    (column ? datetimeExpr(frame, column, ANALYSIS) : pl.lit(null).cast(DATETIME)).alias(alias);
  // msticpy's effective logon id: a 4688's TargetLogonId, when set, is the new process's own.
  const logon = kind === "securityEvent" && frame.columns.includes("TargetLogonId") && c.logonId
    ? pl.when(pl.col("TargetLogonId").isNotNull().and(pl.col("TargetLogonId").neq(pl.lit("0x0"))))
      .then(pl.col("TargetLogonId").cast(pl.Utf8)).otherwise(pl.col(c.logonId).cast(pl.Utf8))
      .alias("__logonId")
    : text(c.logonId, "__logonId");
  const normal = frame.select(
    pl.col("__row").cast(pl.Int64),
    (c.host ? pl.col(c.host).cast(pl.Utf8).fillNull(pl.lit("")) : pl.lit("")).alias("__host"),
    pl.col("__pid"),
    pl.col("__ppid"),
    text(columns.processName, "__image"),
    text(c.parentName, "__parentImage"),
    time(columns.time, "__time"),
    time(c.parentTime, "__parentTime"),
    text(c.guid, "__guid").str.toLowerCase(),
    text(c.pguid, "__pguid").str.toLowerCase(),
    text(c.cmd, "__cmd"),
    text(c.account, "__account"),
    logon,
    pl.col("__gppid"),
    text(c.gpName, "__gpImage"),
    time(c.gpTime, "__gpTime"),
  );
  return {
    frame: normal,
    kind,
    hasParentName: c.parentName !== undefined,
    hasParentTime: c.parentTime !== undefined,
    hasGuid: c.guid !== undefined && c.pguid !== undefined,
    hexIds,
    inputRows: input.height,
  };
}

/** The lower-case image file name, for matching a parent by name as well as by pid. */
export function nameKey(column: string): Expr {
  return baseNameExpr(column).fillNull(pl.lit(""));
}

// --- Linux auditd -------------------------------------------------------------------------

/**
 * auditd process creation: either columns already extracted (pid, ppid, exe, cmdline, as
 * msticpy's auditd extraction leaves them), or raw `AuditdMessage` records (a list of
 * `{TYPE: ["key=value", ...]}`) from which SYSCALL execve (59) rows are taken with their
 * EXECVE arguments.
 */
function auditd(input: DataFrame): NormalisedProcesses {
  if (input.columns.includes("pid") && input.columns.includes("ppid")) {
    const mapping: ProcessColumns = {
      processId: "pid",
      parentProcessId: "ppid",
      processName: "exe",
      time: firstPresent(input, ["TimeGenerated", "TimeStamp", "time"]) ?? "TimeGenerated",
      commandLine: optional(input, "cmdline"),
      host: optional(input, "Computer"),
      account: firstPresent(input, ["acct", "uid"]),
      logonId: optional(input, "ses"),
      filter: input.columns.includes("EventType")
        ? { column: "EventType", value: "SYSCALL_EXECVE" }
        : undefined,
    };
    return { ...fromColumns(input, mapping, "auditd"), hexIds: false };
  }
  requireColumns(input, ["AuditdMessage", "TimeGenerated"], ANALYSIS);
  const messages = input.getColumn("AuditdMessage").cast(pl.Utf8).toArray() as (string | null)[];
  const rows: number[] = [];
  const pid: number[] = [];
  const ppid: number[] = [];
  const exe: string[] = [];
  const cmd: string[] = [];
  const uid: string[] = [];
  const ses: string[] = [];
  for (let i = 0; i < messages.length; i++) {
    const text = messages[i];
    if (!text || !text.includes("syscall=59")) continue;
    const record = parseAuditd(text);
    if (!record) continue;
    rows.push(i);
    pid.push(record.pid);
    ppid.push(record.ppid);
    exe.push(record.exe);
    cmd.push(record.cmdline);
    uid.push(record.uid);
    ses.push(record.ses);
  }
  const picked = input.withRowIndex("__srcrow").withColumn(pl.col("__srcrow").cast(pl.Int64))
    .join(pl.DataFrame([pl.Series("__srcrow", rows, pl.Int64)]), {
      on: "__srcrow",
      how: "semi",
      // The parsed columns below are in input order: the picked rows must be too.
      maintainOrder: "left",
    });
  const extracted = picked.select(pl.exclude("AuditdMessage")).withColumns(
    pl.Series("pid", pid, pl.Int64),
    pl.Series("ppid", ppid, pl.Int64),
    pl.Series("exe", exe, pl.Utf8),
    pl.Series("cmdline", cmd, pl.Utf8),
    pl.Series("uid", uid, pl.Utf8),
    pl.Series("ses", ses, pl.Utf8),
  );
  const result = fromColumns(
    extracted,
    {
      processId: "pid",
      parentProcessId: "ppid",
      processName: "exe",
      time: "TimeGenerated",
      commandLine: "cmdline",
      host: optional(extracted, "Computer"),
      account: "uid",
      logonId: "ses",
    },
    "auditd",
    "__srcrow",
  );
  return { ...result, hexIds: false, inputRows: input.height };
}

interface AuditRecord {
  pid: number;
  ppid: number;
  exe: string;
  cmdline: string;
  uid: string;
  ses: string;
}

function parseAuditd(text: string): AuditRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  let syscall: Map<string, string> | undefined;
  let execve: Map<string, string> | undefined;
  for (const item of parsed) {
    if (typeof item !== "object" || item === null) continue;
    for (const [type, fields] of Object.entries(item as Record<string, unknown>)) {
      if (!Array.isArray(fields)) continue;
      const map = new Map<string, string>();
      for (const f of fields) {
        const s = String(f);
        const eq = s.indexOf("=");
        if (eq > 0) map.set(s.slice(0, eq), s.slice(eq + 1));
      }
      if (type === "SYSCALL") syscall = map;
      if (type === "EXECVE") execve = map;
    }
  }
  if (!syscall || syscall.get("syscall") !== "59") return undefined;
  const pid = parseProcessId(syscall.get("pid"));
  const ppid = parseProcessId(syscall.get("ppid"));
  if (pid === null || ppid === null) return undefined;
  const args: string[] = [];
  const argc = Number(execve?.get("argc") ?? 0);
  for (let i = 0; i < argc; i++) args.push(auditValue(execve?.get(`a${i}`) ?? ""));
  return {
    pid,
    ppid,
    exe: auditValue(syscall.get("exe") ?? ""),
    cmdline: args.join(" "),
    uid: syscall.get("uid") ?? "",
    ses: syscall.get("ses") ?? "",
  };
}

/** auditd writes a value quoted, or hex-encoded when it has spaces or odd bytes. */
function auditValue(raw: string): string {
  if (raw.startsWith('"') && raw.endsWith('"')) return raw.slice(1, -1);
  if (/^[0-9A-F]+$/.test(raw) && raw.length % 2 === 0 && raw.length > 0) {
    const bytes = new Uint8Array(raw.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(raw.slice(2 * i, 2 * i + 2), 16);
    return new TextDecoder().decode(bytes).replaceAll("\0", " ");
  }
  return raw;
}
