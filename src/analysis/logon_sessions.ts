/**
 * Logon sessions: Windows logons (4624) stitched to their logoffs (4634, 4647) and to the
 * processes started in them (4688, by logon id), per account and host.
 *
 * @module
 */
import { type DataFrame, DATETIME, pl } from "../polars.ts";
import { baseNameExpr, datetimeExpr, requireColumns } from "./_columns.ts";
import { checkOptions, defineOptions } from "../options.ts";

const LOGON_SESSION_OPTIONS = defineOptions<LogonSessionsOptions>("logonSessions", {
  logonTypes: { kind: "array", aliases: ["logonType", "types"] },
  maxProcessNames: "number",
});

/** Options of {@link logonSessions}. */
export interface LogonSessionsOptions {
  /** Keep only sessions of these logon types (e.g. [2, 10] for interactive and RDP). */
  readonly logonTypes?: readonly number[];
  /** How many distinct process file names to list per session (default 20). */
  readonly maxProcessNames?: number;
}

const ANALYSIS = "logonSessions";
/** The result's order: by start, ties by the logon's other columns. */
const SESSION_ORDER = [
  "start",
  "host",
  "logonId",
  "account",
  "logonType",
  "sourceIp",
  "workstation",
];

/**
 * Stitches SecurityEvent logons, logoffs and process creations into sessions.
 *
 * One row per 4624 logon, oldest first: `host`, `logonId`, `account`
 * (`DOMAIN\user`), `logonType`, `sourceIp`, `workstation`, `start`, `end` (the first 4634
 * or 4647 of the same logon id on the host at or after the start; null while open),
 * `endedBy` (4634 or 4647; 4647 when both come at the same time), `durationMinutes`,
 * `processes` (4688s whose effective logon id, TargetLogonId when set else SubjectLogonId,
 * is the session's and whose time falls in it), `firstProcess`, `lastProcess`,
 * `processNames` (distinct file names, oldest first; at equal times alphabetically).
 *
 * Rows are ordered by `start`, earliest first; ties by `host`, `logonId`, `account`,
 * `logonType`, `sourceIp`, then `workstation` (ascending, nulls first). Of logons equal in
 * all of these (a logon logged twice), the last gets the processes.
 *
 * @param events SecurityEvent rows (4624, 4634, 4647, 4688; others are ignored).
 * @param options Logon types to keep; how many process names to list.
 * @returns The sessions.
 * @throws {AnalysisError} when SecurityEvent's columns are missing.
 *
 * @example The attacker's RDP session on the victim's workstation
 * ```ts
 * import assert from "node:assert/strict";
 * import { logonSessions } from "./mod.ts";
 * import { openLocalProvider, pl } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const { frame } = await provider.query("SecurityEvent | where Computer startswith 'LKS-WS-1042'");
 * const rdp = logonSessions(frame, { logonTypes: [10] })
 *   .filter(pl.col("sourceIp").eq(pl.lit("203.0.113.45")));
 * const [session] = rdp.toRecords();
 * assert.equal(rdp.height, 1);
 * assert.equal(session.account, "LARKSPUR\\daniel.reyes");
 * assert.deepEqual(session.start, new Date("2026-03-12T01:47:13Z"));
 * assert.ok(String(session.processNames).includes("nltest.exe"));
 * ```
 */
export function logonSessions(events: DataFrame, options: LogonSessionsOptions = {}): DataFrame {
  checkOptions("logonSessions", options, LOGON_SESSION_OPTIONS);
  requireColumns(
    events,
    ["TimeGenerated", "EventID", "Computer", "TargetLogonId", "TargetUserName"],
    ANALYSIS,
    "Pass SecurityEvent rows (4624, 4634, 4647 and 4688).",
  );
  const has = (c: string) => events.columns.includes(c);
  const text = (c: string) => (has(c) ? pl.col(c).cast(pl.Utf8) : pl.lit(null).cast(pl.Utf8));
  const t = datetimeExpr(events, "TimeGenerated", ANALYSIS);
  let logons = events.filter(pl.col("EventID").eq(4624)).select(
    pl.col("Computer").alias("host"),
    pl.col("TargetLogonId").alias("logonId"),
    (has("TargetDomainName")
      ? pl.concatString([pl.col("TargetDomainName"), pl.lit("\\"), pl.col("TargetUserName")], "")
      : pl.col("TargetUserName")).alias("account"),
    (has("LogonType") ? pl.col("LogonType").cast(pl.Int64) : pl.lit(null).cast(pl.Int64))
      .alias("logonType"),
    text("IpAddress").alias("sourceIp"),
    text("WorkstationName").alias("workstation"),
    t.alias("start"),
  );
  if (options.logonTypes) {
    logons = logons.filter(pl.col("logonType").isIn([...options.logonTypes]));
  }
  // Numbers the sessions in the result's order. Logons that tie on every column are the
  // same row twice (only the last of them gets their processes, below).
  logons = logons.sort(SESSION_ORDER).withRowIndex("__session");
  const ends = events.filter(pl.col("EventID").isIn([4634, 4647])).select(
    pl.col("Computer").alias("host"),
    pl.col("TargetLogonId").alias("logonId"),
    t.alias("end"),
    pl.col("EventID").cast(pl.Int64).alias("endedBy"),
  ).sort(["end", "endedBy"], [false, true]); // at equal times the user's own logoff (4647) ends it
  const sessions = logons.joinAsof(ends.withColumn(pl.col("end").alias("__end")), {
    leftOn: "start",
    rightOn: "__end",
    by: ["host", "logonId"],
    strategy: "forward",
    checkSortedness: false,
  }).drop("__end");
  // Processes by effective logon id, placed in the latest session started before them.
  const subject = has("SubjectLogonId") ? pl.col("SubjectLogonId") : pl.lit(null).cast(pl.Utf8);
  const processes = events.filter(pl.col("EventID").eq(4688)).select(
    pl.col("Computer").alias("host"),
    pl.when(pl.col("TargetLogonId").isNotNull().and(pl.col("TargetLogonId").neq(pl.lit("0x0"))))
      .then(pl.col("TargetLogonId")).otherwise(subject).alias("logonId"),
    t.alias("__t"),
    (has("NewProcessName") ? baseNameExpr("NewProcessName") : pl.lit(null).cast(pl.Utf8))
      .alias("__name"),
  ).sort("__t");
  const placed = processes.joinAsof(
    sessions.select("host", "logonId", "__session", pl.col("start").alias("__start"), "end"),
    {
      leftOn: "__t",
      rightOn: "__start",
      by: ["host", "logonId"],
      strategy: "backward",
      checkSortedness: false,
    },
  ).filter(
    pl.col("__session").isNotNull().and(
      pl.col("end").isNull().or(pl.col("__t").ltEq(pl.col("end"))),
    ),
  );
  const maxNames = options.maxProcessNames ?? 20;
  // Names oldest first, at equal times alphabetically (a group keeps its rows' order).
  const perSession = placed.sort(["__t", "__name"]).groupBy("__session").agg(
    pl.len().cast(pl.Int64).alias("processes"),
    pl.col("__t").min().alias("firstProcess"),
    pl.col("__t").max().alias("lastProcess"),
    pl.col("__name").unique({ maintainOrder: true }).head(maxNames).alias("__names"),
  ).withColumn(pl.col("__names").lst.join(", ").alias("processNames")).drop("__names");
  return sessions.join(perSession, { on: "__session", how: "left" }).sort("__session").select(
    "host",
    "logonId",
    "account",
    "logonType",
    "sourceIp",
    "workstation",
    "start",
    pl.col("end").cast(DATETIME),
    "endedBy",
    pl.col("end").sub(pl.col("start")).cast(pl.Int64).div(60e6).alias("durationMinutes"),
    pl.col("processes").fillNull(0),
    "firstProcess",
    "lastProcess",
    "processNames",
  );
}
