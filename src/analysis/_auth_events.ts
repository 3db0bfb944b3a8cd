/**
 * Authentication events of any source as one frame: time, account, source address and
 * outcome (`failure`, `success`, `other`). Entra ID sign-ins, Windows 4624/4625, sshd
 * lines in Syslog, or columns the caller names.
 *
 * @module
 */
import { type DataFrame, type Expr, pl } from "../polars.ts";
import { datetimeExpr, requireColumns, variantOfColumn } from "./_columns.ts";
import { AnalysisError } from "./errors.ts";

/** The authentication sources casefile knows by name. */
export type AuthSourceKind = "signinLogs" | "securityEvent" | "syslogSsh";

/** Columns of an authentication table, for sources casefile does not know by name. */
export interface AuthColumns {
  /** When the attempt was made. */
  readonly time: string;
  /** The account tried. */
  readonly account: string;
  /** Where the attempt came from (an IP address, a workstation). */
  readonly source: string;
  /** The outcome column... */
  readonly outcome: string;
  /** ...and the values in it that mean success. */
  readonly successValues: readonly (string | number | boolean)[];
  /** The values that mean a failed credential (default: every value that is not a success). */
  readonly failureValues?: readonly (string | number | boolean)[];
}

/**
 * Entra ID result codes that mean a wrong or unusable credential: invalid password,
 * locked, disabled, no such user, expired, must change. Interrupts such as "MFA required"
 * (50074) or "keep me signed in" (50140) are neither failures nor successes.
 */
export const SIGNIN_FAILURE_CODES: readonly string[] = [
  "50126",
  "50053",
  "50057",
  "50034",
  "50055",
  "50056",
  "50144",
  "50133",
];

/** Normalised: __t (datetime), __account (lower case), __source, __outcome. */
export function authEvents(
  frame: DataFrame,
  source: AuthSourceKind | AuthColumns | undefined,
  analysis: string,
): DataFrame {
  const kind = source ?? detect(frame, analysis);
  if (typeof kind === "object") return fromColumns(frame, kind, analysis);
  switch (kind) {
    case "signinLogs":
      return fromColumns(frame, {
        time: "TimeGenerated",
        account: "UserPrincipalName",
        source: "IPAddress",
        outcome: "ResultType",
        successValues: ["0", 0],
        failureValues: [...SIGNIN_FAILURE_CODES, ...SIGNIN_FAILURE_CODES.map(Number)],
      }, analysis);
    case "securityEvent": {
      requireColumns(frame, ["TimeGenerated", "EventID", "TargetUserName"], analysis);
      const domain = frame.columns.includes("TargetDomainName")
        ? pl.concatString([pl.col("TargetDomainName"), pl.lit("\\"), pl.col("TargetUserName")], "")
        : pl.col("TargetUserName");
      const ip = frame.columns.includes("IpAddress") ? pl.col("IpAddress") : pl.lit(null);
      const station = frame.columns.includes("WorkstationName")
        ? pl.col("WorkstationName")
        : pl.lit(null);
      const useful = (e: Expr) => e.isNotNull().and(e.neq(pl.lit("-"))).and(e.neq(pl.lit("")));
      return frame.filter(pl.col("EventID").isIn([4624, 4625])).select(
        datetimeExpr(frame, "TimeGenerated", analysis).alias("__t"),
        domain.str.toLowerCase().alias("__account"),
        pl.when(useful(ip)).then(ip).when(useful(station)).then(station)
          .otherwise(pl.lit(null)).cast(pl.Utf8).alias("__source"),
        pl.when(pl.col("EventID").eq(4624)).then(pl.lit("success")).otherwise(pl.lit("failure"))
          .alias("__outcome"),
      );
    }
    case "syslogSsh": {
      requireColumns(frame, ["TimeGenerated", "SyslogMessage"], analysis);
      const message = pl.col("SyslogMessage");
      const pattern = "^(Failed|Accepted) (?:password|publickey|keyboard-interactive/pam) for " +
        "(?:invalid user )?(\\S+) from (\\S+)";
      return frame.filter(message.str.contains(pattern)).select(
        datetimeExpr(frame, "TimeGenerated", analysis).alias("__t"),
        message.str.extract(pattern, 2).str.toLowerCase().alias("__account"),
        message.str.extract(pattern, 3).alias("__source"),
        pl.when(message.str.extract(pattern, 1).eq(pl.lit("Accepted"))).then(pl.lit("success"))
          .otherwise(pl.lit("failure")).alias("__outcome"),
      );
    }
  }
}

function detect(frame: DataFrame, analysis: string): AuthSourceKind {
  const has = new Set(frame.columns);
  if (has.has("UserPrincipalName") && has.has("ResultType") && has.has("IPAddress")) {
    return "signinLogs";
  }
  if (has.has("EventID") && has.has("TargetUserName")) return "securityEvent";
  if (has.has("SyslogMessage")) return "syslogSsh";
  throw new AnalysisError(`${analysis}: cannot tell which sign-in events these columns hold`, {
    analysis,
    hint: 'Pass { source: "signinLogs" | "securityEvent" | "syslogSsh" } or a column mapping ' +
      "{ time, account, source, outcome, successValues }.",
  });
}

function fromColumns(frame: DataFrame, c: AuthColumns, analysis: string): DataFrame {
  requireColumns(frame, [c.time, c.account, c.source, c.outcome], analysis);
  const text = variantOfColumn(frame, c.outcome) === "Utf8";
  const values = (list: readonly (string | number | boolean)[]) =>
    list.filter((v) => (typeof v === "string") === text);
  const outcome = pl.col(c.outcome);
  const success = outcome.isIn(values(c.successValues));
  const failure = c.failureValues ? outcome.isIn(values(c.failureValues)) : outcome.isNotNull();
  return frame.select(
    datetimeExpr(frame, c.time, analysis).alias("__t"),
    pl.col(c.account).cast(pl.Utf8).str.toLowerCase().alias("__account"),
    pl.col(c.source).cast(pl.Utf8).alias("__source"),
    pl.when(success).then(pl.lit("success")).when(failure).then(pl.lit("failure"))
      .otherwise(pl.lit("other")).alias("__outcome"),
  ).filter(pl.col("__t").isNotNull().and(pl.col("__account").isNotNull()));
}

/** The names of the known sources, for hints. */
export const AUTH_SOURCE_KINDS: readonly AuthSourceKind[] = [
  "signinLogs",
  "securityEvent",
  "syslogSsh",
];
