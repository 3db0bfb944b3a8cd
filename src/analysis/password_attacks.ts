/**
 * Failed-then-successful sign-in patterns: password spraying (one source, many accounts,
 * a few tries each) and brute force (one account, many tries), each with any success that
 * followed from the attacking source. Works on Entra ID SigninLogs, Windows 4624/4625 in
 * SecurityEvent, sshd lines in Syslog, or any table through a column mapping.
 *
 * @module
 */
import { type DataFrame, DATETIME, pl } from "../polars.ts";
import {
  AUTH_SOURCE_KINDS,
  type AuthColumns,
  authEvents,
  type AuthSourceKind,
} from "./_auth_events.ts";
import { checkOptions, defineOptions } from "../options.ts";

const PASSWORD_ATTACK_OPTIONS = defineOptions<FindPasswordAttacksOptions>(
  "findPasswordAttacks",
  {
    source: { kind: "object", oneOf: AUTH_SOURCE_KINDS, aliases: ["schema", "kind"] },
    minAccounts: "number",
    maxAttemptsPerAccount: "number",
    minFailures: "number",
    burstGapMinutes: "number",
    followUpHours: "number",
  },
);

export type { AuthColumns, AuthSourceKind } from "./_auth_events.ts";
export { SIGNIN_FAILURE_CODES } from "./_auth_events.ts";

/** Options of {@link findPasswordAttacks}. */
export interface FindPasswordAttacksOptions {
  /** The source table kind or a column mapping (default: told from the columns). */
  readonly source?: AuthSourceKind | AuthColumns;
  /** A spray: at least this many accounts failing from one source in one burst (default 10). */
  readonly minAccounts?: number;
  /** A spray tries each account a few times: at most this many failures per account (default 3). */
  readonly maxAttemptsPerAccount?: number;
  /** Brute force: at least this many failures against one account in one burst (default 10). */
  readonly minFailures?: number;
  /** Failures further apart than this start a new burst (default 30 minutes). */
  readonly burstGapMinutes?: number;
  /** Successes up to this long after a burst's last failure count as its outcome (default 24 h). */
  readonly followUpHours?: number;
}

const ANALYSIS = "findPasswordAttacks";

/**
 * Finds password sprays and brute-force bursts, and the successes that followed them.
 *
 * One row per burst, sprays first, most failures first: `kind` (`spray` or `bruteForce`),
 * `source` (a spray's source; a brute force's sources, comma-separated), `account` (a brute
 * force's target; null for a spray), `failures`, `accounts` (distinct accounts that
 * failed), `sources` (distinct sources), `first`, `last` (the burst's failures),
 * `successes` (successful sign-ins from the burst's source(s) from its start to
 * `followUpHours` after it: for a brute force, to its account only),
 * `compromisedAccounts` (the accounts of those successes, comma-separated), `firstSuccess`.
 *
 * Rows are ordered by `kind` (sprays first), then `failures`, most first, then `first`,
 * earliest first; ties by `source`, then `account` (ascending, nulls first).
 *
 * @param events Sign-in events.
 * @param options Thresholds and the source kind.
 * @returns The bursts found.
 * @throws {AnalysisError} when the columns cannot be told or are missing.
 *
 * @example The demo case's IMAP password spray and the account it broke
 * ```ts
 * import assert from "node:assert/strict";
 * import { findPasswordAttacks } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const { frame } = await provider.query("SigninLogs");
 * const attacks = findPasswordAttacks(frame).toRecords();
 * assert.deepEqual(
 *   attacks.map((a) => [a.kind, a.source]),
 *   [["spray", "203.0.113.61"], ["spray", "203.0.113.88"], ["spray", "203.0.113.45"]],
 * );
 * assert.match(String(attacks[2].compromisedAccounts), /^daniel\.reyes@/);
 * ```
 */
export function findPasswordAttacks(
  events: DataFrame,
  options: FindPasswordAttacksOptions = {},
): DataFrame {
  checkOptions("findPasswordAttacks", options, PASSWORD_ATTACK_OPTIONS);
  const auth = authEvents(events, options.source, ANALYSIS).filter(
    pl.col("__source").isNotNull(),
  );
  const gap = (options.burstGapMinutes ?? 30) * 60e6;
  const followUp = (options.followUpHours ?? 24) * 3600e6;
  const failures = auth.filter(pl.col("__outcome").eq(pl.lit("failure")));
  const successes = auth.filter(pl.col("__outcome").eq(pl.lit("success")))
    .select(
      pl.col("__source").alias("__sSource"),
      pl.col("__account").alias("__sAccount"),
      pl.col("__t").cast(pl.Int64).alias("__sTime"),
    );

  const sprays = bursts(failures, "__source", gap).groupBy(["__source", "__burst"]).agg(
    pl.len().alias("failures"),
    pl.col("__account").nUnique().alias("accounts"),
    pl.lit(1).alias("sources"),
    pl.col("__t").min().alias("first"),
    pl.col("__t").max().alias("last"),
  ).filter(
    pl.col("accounts").gtEq(options.minAccounts ?? 10).and(
      pl.col("failures").ltEq(pl.col("accounts").mul(options.maxAttemptsPerAccount ?? 3)),
    ),
  ).withColumns(
    pl.lit("spray").alias("kind"),
    pl.col("__source").alias("source"),
    pl.lit(null).cast(pl.Utf8).alias("account"),
  );
  const sprayOutcome = outcomes(
    sprays.select("__source", "__burst", "first", "last"),
    successes,
    [["__source", "__sSource"]],
    followUp,
  );

  const forced = bursts(failures, "__account", gap).groupBy(["__account", "__burst"]).agg(
    pl.len().alias("failures"),
    pl.lit(1).alias("accounts"),
    pl.col("__source").nUnique().alias("sources"),
    pl.col("__source").unique().sort().alias("__sourceList"),
    pl.col("__t").min().alias("first"),
    pl.col("__t").max().alias("last"),
  ).filter(pl.col("failures").gtEq(options.minFailures ?? 10)).withColumns(
    pl.lit("bruteForce").alias("kind"),
    pl.col("__sourceList").lst.join(", ").alias("source"),
    pl.col("__account").alias("account"),
  );
  // A brute force's outcome: its account signing in from one of its sources.
  const forcedPairs = forced.select("__account", "__burst", "first", "last", "__sourceList")
    .explode("__sourceList").rename({ __sourceList: "__source" });
  const forcedOutcome = outcomes(
    forcedPairs,
    successes,
    [["__account", "__sAccount"], ["__source", "__sSource"]],
    followUp,
    ["__account", "__burst"],
  );

  const columns = [
    "kind",
    "source",
    "account",
    pl.col("failures").cast(pl.Int64),
    pl.col("accounts").cast(pl.Int64),
    pl.col("sources").cast(pl.Int64),
    "first",
    "last",
    pl.col("successes").fillNull(0).cast(pl.Int64),
    "compromisedAccounts",
    "firstSuccess",
  ] as const;
  const spraysOut = sprays.join(sprayOutcome, { on: ["__source", "__burst"], how: "left" })
    .select(...columns);
  const forcedOut = forced.join(forcedOutcome, { on: ["__account", "__burst"], how: "left" })
    .select(...columns);
  // (kind, source, first) is unique for sprays and (kind, account, first) for brute force:
  // the order is total.
  return pl.concat([spraysOut, forcedOut], { how: "vertical" }).sort(
    ["kind", "failures", "first", "source", "account"],
    [true, true, false, false, false],
  );
}

/** Numbers each run of failures per `by` whose gaps stay within `gap` microseconds. */
function bursts(failures: DataFrame, by: string, gap: number): DataFrame {
  const t = pl.col("__t").cast(pl.Int64);
  const step = t.diff(1, "ignore").over(by);
  return failures.sort([by, "__t"]).withColumn(
    step.isNull().or(step.gt(gap)).cast(pl.Int64).cumSum().over(by).alias("__burst"),
  );
}

/** Successes matching each burst (by `on`), from its first failure to `followUp` after its last. */
function outcomes(
  burstRows: DataFrame,
  successes: DataFrame,
  on: ReadonlyArray<readonly [string, string]>,
  followUp: number,
  groupKeys: string[] = ["__source", "__burst"],
): DataFrame {
  const joined = burstRows.join(successes, {
    leftOn: on.map(([l]) => l),
    rightOn: on.map(([, r]) => r),
    how: "inner",
  }).filter(
    pl.col("__sTime").gtEq(pl.col("first").cast(pl.Int64))
      .and(pl.col("__sTime").ltEq(pl.col("last").cast(pl.Int64).add(followUp))),
  );
  const account = joined.columns.includes("__sAccount") ? "__sAccount" : "__account";
  return joined.groupBy(groupKeys).agg(
    pl.len().alias("successes"),
    pl.col(account).unique().sort().alias("compromisedAccounts"),
    pl.col("__sTime").min().cast(DATETIME).alias("firstSuccess"),
  ).withColumn(pl.col("compromisedAccounts").lst.join(", "));
}
