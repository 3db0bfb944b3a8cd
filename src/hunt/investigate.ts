/**
 * Guided investigations: from an alert, an account, a host or an address, run the library's
 * detection queries, the SecurityAlert rows, the analyses (beaconing, outbound volume
 * against a host's own baseline) and enrichment (geo-IP), keep what flags the entity as
 * findings (a context query returning rows is not one), merge the findings of one stage,
 * and follow the entities they name, breadth first, within a budget.
 *
 * @module
 */
import { geoLookup } from "../enrich/geoip.ts";
import type { DataFrame } from "../polars.ts";
import { isDataFrame } from "../polars.ts";
import type { Provider } from "../providers/mod.ts";
import { kqlLiteral } from "../session/kql_template.ts";
import type { Session } from "../session/session.ts";
import { chartToSvg } from "../viz/render.ts";
import { timelineChart } from "../viz/charts.ts";
import type { Chart } from "../viz/chart.ts";
import { readKqlTimespan } from "../kql/syntax.ts";
import { HuntError } from "./errors.ts";
import { checkOptions, defineOptions } from "../options.ts";
import { builtinHuntFamilies, huntEntityParams, huntEntries } from "./library.ts";
import { runHuntQuery } from "./run.ts";
import type { HuntFamily } from "./types.ts";
import {
  entityKey,
  type EntityRef,
  entityRef,
  type InvestigatedKind,
} from "./_investigate_entities.ts";
import { type MergedFinding, mergeHits, severityRank } from "./_investigate_findings.ts";
import { summaryHtml, summaryText, timelineFrame } from "./_investigate_render.ts";
import {
  alertEntities,
  alertHit,
  alertHits,
  beaconHits,
  detectionHits,
  type FindingSeverity,
  type Hit,
  hostAddresses,
  isPrivateIpv4,
  type RunContext,
  runOwnKql,
  volumeHits,
} from "./_investigate_run.ts";

export type { FindingSeverity } from "./_investigate_run.ts";
export type { InvestigatedKind } from "./_investigate_entities.ts";

/** Options of the guided investigations. */
export interface InvestigateOptions {
  /** The window's start (default: an alert's start minus 2 days, else `end` minus `window`). */
  readonly start?: Date | string;
  /** The window's end (default: an alert's end plus 3 days, else the provider's now). */
  readonly end?: Date | string;
  /** A lookback ending at `end` when no alert sets the window (default `"7d"`). */
  readonly window?: string;
  /**
   * How many hops to follow from the starting entities to the entities their findings name
   * (default 0; {@link investigateIncident} 2).
   */
  readonly hops?: number;
  /** At most this many entities investigated in all (default 15). */
  readonly maxEntities?: number;
  /** Also run each entity's context queries (its sign-ins, logons, ...) and count their rows (default false). */
  readonly context?: boolean;
  /** The library's families (default: the built-in ones). */
  readonly families?: readonly HuntFamily[];
  /** Cancels the queries. */
  readonly signal?: AbortSignal;
}

const INVESTIGATE_OPTIONS = defineOptions<InvestigateOptions>("investigate", {
  start: { kind: "date", aliases: ["from", "since"] },
  end: { kind: "date", aliases: ["to", "until"] },
  window: { kind: "string", aliases: ["lookback", "timespan"] },
  hops: { kind: "number", aliases: ["depth", "maxHops"] },
  maxEntities: { kind: "number", aliases: ["limit", "budget"] },
  context: "boolean",
  families: "array",
  signal: "object",
});
// Under each function's name too: `.doc investigateHost` and Tab completion look them up so.
for (
  const fn of [
    "investigateAccount",
    "investigateHost",
    "investigateIp",
    "investigateAlert",
    "investigateIncident",
  ]
) defineOptions<InvestigateOptions>(fn, INVESTIGATE_OPTIONS);

/** Something an investigation found: a detection or analysis that flagged an entity. */
export interface Finding {
  /** When it starts. */
  readonly time: Date;
  /** When it ends (the same as `time` for one event). */
  readonly end: Date;
  /** What it is, in a sentence. */
  readonly what: string;
  /** The ATT&CK tactics of its sources, joined ("Credential Access"). */
  readonly stage: string;
  /** The entities investigated whose rows these are. */
  readonly entities: readonly string[];
  /** Evidence rows (the most any one source returned). */
  readonly rows: number;
  /** The queries (`identity.legacyAuthSuccesses`), analyses and alerts that found it. */
  readonly sources: readonly string[];
  /** ATT&CK technique ids. */
  readonly techniques: readonly string[];
  /** ATT&CK tactics. */
  readonly tactics: readonly string[];
  /** How bad it is. */
  readonly severity: FindingSeverity;
}

/** An entity an investigation met: investigated, or named by a finding to pivot from next. */
export interface InvestigatedEntity {
  /** Its kind. */
  readonly kind: InvestigatedKind;
  /** Its value (a UPN or account name, a host name, an address). */
  readonly value: string;
  /** 0 for a starting entity, else how many findings away from one it was named. */
  readonly hop: number;
  /** What named it: the alert, or the source of the finding. */
  readonly from: string;
  /** Whether it was investigated (else it is left to pivot from). */
  readonly investigated: boolean;
  /** Findings involving it. */
  readonly findings: number;
  /** Enrichment and why it was not followed, when either applies. */
  readonly note?: string;
}

/** One moment of an investigation's timeline. */
export interface TimelineEntry {
  /** When. */
  readonly time: Date;
  /** Until when. */
  readonly end: Date;
  /** What happened. */
  readonly label: string;
  /** Its stage (ATT&CK tactics). */
  readonly stage: string;
  /** How bad it is. */
  readonly severity: FindingSeverity;
}

/**
 * The summary of a guided investigation: findings (time order, and ranked), the entities
 * met, a timeline and its chart. Prints as text in the REPL (`console.log`, `String()`),
 * displays as an HTML table with the timeline chart in notebooks, and reads as text in
 * session reports.
 */
export class Investigation {
  /** What was investigated ("alert Password Spray", "account daniel.reyes@..."). */
  readonly subject: string;
  /** The window the queries covered. */
  readonly start: Date;
  /** The window's end. */
  readonly end: Date;
  /** The findings, in time order. */
  readonly findings: readonly Finding[];
  /** The entities met: the investigated first, then the ones to pivot from next. */
  readonly entities: readonly InvestigatedEntity[];
  /** Sources that could not run on this provider (missing tables), and why. */
  readonly skipped: ReadonlyMap<string, string>;
  /** Context queries run (with `context: true`) and their row counts. */
  readonly context: readonly { id: string; entity: string; rows: number }[];

  /** Use {@link investigateAlert} and the other `investigate…` functions. */
  constructor(init: {
    subject: string;
    start: Date;
    end: Date;
    findings: readonly Finding[];
    entities: readonly InvestigatedEntity[];
    skipped: ReadonlyMap<string, string>;
    context: readonly { id: string; entity: string; rows: number }[];
  }) {
    this.subject = init.subject;
    this.start = init.start;
    this.end = init.end;
    this.findings = init.findings;
    this.entities = init.entities;
    this.skipped = init.skipped;
    this.context = init.context;
  }

  /** The findings, most severe first (then earliest). */
  get ranked(): readonly Finding[] {
    return [...this.findings].sort((a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      a.time.getTime() - b.time.getTime()
    );
  }

  /** The timeline: one entry per finding, in time order. */
  get timeline(): readonly TimelineEntry[] {
    return this.findings.map((f) => ({
      time: f.time,
      end: f.end,
      label: f.what,
      stage: f.stage,
      severity: f.severity,
    }));
  }

  /** The entities left to pivot from (named by findings, not investigated). */
  get leads(): readonly InvestigatedEntity[] {
    return this.entities.filter((e) => !e.investigated);
  }

  /** The timeline as a chart: one lane per stage, coloured by severity. */
  timelineChart(): Chart {
    return timelineChart(timelineFrame(this.findings as MergedFinding[]), {
      group: "Stage",
      color: "Severity",
      tooltip: ["What", "Entities"],
      title: `Findings of ${this.subject}`,
    });
  }

  /** The summary as text. */
  toString(): string {
    return summaryText({ ...this, title: `Investigation of ${this.subject}` } as never);
  }

  /** The summary as HTML (a table of findings, the entities; with the chart's SVG when given). */
  toHtml(chartSvg?: string): string {
    return summaryHtml(
      { ...this, title: `Investigation of ${this.subject}` } as never,
      chartSvg,
    );
  }

  /** How the REPL and `console.log` print it. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /** Jupyter's rich display: the findings table with the timeline chart, and the text. */
  async [Symbol.for("Jupyter.display")](): Promise<Record<string, unknown>> {
    let svg = "";
    if (this.findings.length) {
      try {
        svg = await chartToSvg(this.timelineChart());
      } catch { /* a chart that cannot be drawn leaves the table */ }
    }
    return { "text/html": this.toHtml(svg), "text/plain": this.toString() };
  }
}

/** A session, or a provider, to investigate on. */
export type InvestigateTarget = Session | Provider;

/**
 * Investigates an account: the library's detections, the alerts and analyses that involve
 * it, and (with `hops`) the entities their findings name.
 *
 * @param target A session (every query a replayable step, the summary a step too) or a provider.
 * @param account A UPN, `DOMAIN\name` or account name.
 * @param options The window, hops, budget.
 * @returns The summary.
 *
 * @example The victim's account on the demo case: the legacy-authentication success
 * ```ts
 * import assert from "node:assert/strict";
 * import { investigateAccount } from "./mod.ts";
 * import { openLocalProvider } from "../providers/mod.ts";
 *
 * const provider = await openLocalProvider();
 * const found = await investigateAccount(provider, "daniel.reyes@larkspurlogistics.example", {
 *   start: "2026-03-11T00:00:00Z",
 *   end: "2026-03-11T12:00:00Z",
 * });
 * assert.ok(found.findings.some((f) => f.sources.includes("identity.legacyAuthSuccesses")));
 * ```
 */
export async function investigateAccount(
  target: InvestigateTarget,
  account: string,
  options: InvestigateOptions = {},
): Promise<Investigation> {
  checkOptions("investigateAccount", options, INVESTIGATE_OPTIONS);
  return await investigateEntity(target, "account", account, options);
}

/**
 * Investigates a host (see {@link investigateAccount}): detections naming it, its
 * connections scored as beacons, its addresses followed in firewall and DNS logs.
 *
 * @param target A session or a provider.
 * @param host A host name or FQDN.
 * @param options The window, hops, budget.
 * @returns The summary.
 */
export async function investigateHost(
  target: InvestigateTarget,
  host: string,
  options: InvestigateOptions = {},
): Promise<Investigation> {
  checkOptions("investigateHost", options, INVESTIGATE_OPTIONS);
  return await investigateEntity(target, "host", host, options);
}

/**
 * Investigates an address (see {@link investigateAccount}): detections naming it, and for a
 * private address its uploads against its own baseline.
 *
 * @param target A session or a provider.
 * @param ip An IPv4 or IPv6 address.
 * @param options The window, hops, budget.
 * @returns The summary.
 */
export async function investigateIp(
  target: InvestigateTarget,
  ip: string,
  options: InvestigateOptions = {},
): Promise<Investigation> {
  checkOptions("investigateIp", options, INVESTIGATE_OPTIONS);
  return await investigateEntity(target, "ip", ip, options);
}

/** A SecurityAlert row (a record, or a frame whose first row is the alert), or its SystemAlertId. */
export type AlertInput = Readonly<Record<string, unknown>> | DataFrame | string;

/**
 * Investigates an alert: its entities (Entities, ExtendedProperties, CompromisedEntity) in a
 * window around its time (2 days before to 3 days after), the alert itself a finding.
 *
 * @param target A session or a provider.
 * @param alert The SecurityAlert row, a frame whose first row it is, or its SystemAlertId.
 * @param options The window, hops (default 0), budget.
 * @returns The summary.
 * @throws {HuntError} for an id no SecurityAlert row has, or a row naming no entity.
 */
export async function investigateAlert(
  target: InvestigateTarget,
  alert: AlertInput,
  options: InvestigateOptions = {},
): Promise<Investigation> {
  checkOptions("investigateAlert", options, INVESTIGATE_OPTIONS);
  return await alertInvestigation(target, alert, options, "investigateAlert");
}

/**
 * Investigates an alert and follows what it finds: {@link investigateAlert} with `hops`
 * 2 by default, breadth first, within `maxEntities`.
 *
 * @param target A session or a provider.
 * @param alert The SecurityAlert row, a frame whose first row it is, or its SystemAlertId.
 * @param options The window, hops (default 2), budget.
 * @returns The summary.
 *
 * @example The demo case's first alert, followed two hops: the spray, the mailbox rule, the RDP logon
 * ```ts
 * import assert from "node:assert/strict";
 * import { investigateIncident } from "./mod.ts";
 * import { openLocalProvider } from "../providers/mod.ts";
 *
 * const provider = await openLocalProvider();
 * const { frame } = await provider.query('SecurityAlert | where AlertName == "Password Spray"');
 * const incident = await investigateIncident(provider, frame);
 * assert.ok(incident.findings.some((f) => f.techniques.includes("T1114.003")));
 * ```
 */
export async function investigateIncident(
  target: InvestigateTarget,
  alert: AlertInput,
  options: InvestigateOptions = {},
): Promise<Investigation> {
  checkOptions("investigateIncident", options, INVESTIGATE_OPTIONS);
  return await alertInvestigation(target, alert, { hops: 2, ...options }, "investigateIncident");
}

async function alertInvestigation(
  target: InvestigateTarget,
  alert: AlertInput,
  options: InvestigateOptions,
  fn: string,
): Promise<Investigation> {
  const { session, provider } = resolveTarget(target);
  const row = await alertRow(session, provider, alert);
  const name = String(row.AlertName ?? "alert");
  const seeds = uniqueEntities(alertEntities(row));
  if (!seeds.length) {
    throw new HuntError(`The alert "${name}" names no account, host or address to investigate.`, {
      hint:
        "Investigate an entity of it with investigateAccount, investigateHost or investigateIp.",
    });
  }
  const first = alertTime(row, ["StartTime", "TimeGenerated"]);
  const last = alertTime(row, ["EndTime", "TimeGenerated"]);
  const window = resolveWindow(provider, options, first, last);
  const id = String(row.SystemAlertId ?? "");
  return await investigate({
    session,
    provider,
    window,
    options,
    subject: `alert "${name}" (${first.toISOString().replace(/\.000Z$/, "Z")})`,
    seeds: seeds.map((e) => ({ entity: e, from: `alert "${name}"` })),
    extraHits: (entity) => entity === seeds[0] ? [alertHit(row, entity)] : [],
    code: `await ${fn}(session, ${JSON.stringify(id || name)}${optionsCode(options)})`,
  });
}

async function investigateEntity(
  target: InvestigateTarget,
  kind: InvestigatedKind,
  value: string,
  options: InvestigateOptions,
): Promise<Investigation> {
  const { session, provider } = resolveTarget(target);
  const entity = typeof value === "string" ? entityRef(kind, value) : undefined;
  if (!entity) {
    throw new HuntError(
      `${JSON.stringify(value)} is not ${kind === "ip" ? "an" : "a"} ${kind} to investigate.`,
      {
        hint: kind === "ip"
          ? "Give an IPv4 or IPv6 address (a port is dropped)."
          : kind === "host"
          ? "Give a host name or FQDN."
          : "Give a UPN, DOMAIN\\name or account name.",
      },
    );
  }
  const fn = `investigate${kind === "ip" ? "Ip" : kind[0].toUpperCase() + kind.slice(1)}`;
  return await investigate({
    session,
    provider,
    window: resolveWindow(provider, options),
    options,
    subject: `${kind} ${entity.value}`,
    seeds: [{ entity, from: "the question" }],
    extraHits: () => [],
    code: `await ${fn}(session, ${JSON.stringify(value)}${optionsCode(options)})`,
  });
}

function resolveTarget(target: InvestigateTarget): { session?: Session; provider: Provider } {
  const maybeSession = target as Partial<Session>;
  if (target && typeof maybeSession.steps === "function" && "provider" in target) {
    const provider = maybeSession.provider;
    if (!provider) {
      throw new HuntError("The session has no provider to investigate on.", {
        hint: "Connect one first (session.connect(provider)).",
      });
    }
    return { session: target as Session, provider };
  }
  if (target && typeof (target as Provider).query === "function") {
    return { provider: target as Provider };
  }
  throw new HuntError("An investigation needs a session or a provider.", {
    hint:
      "Pass the session (each query becomes a step) or a provider: investigateAlert(session, alert).",
  });
}

async function alertRow(
  session: Session | undefined,
  provider: Provider,
  alert: AlertInput,
): Promise<Record<string, unknown>> {
  if (isDataFrame(alert)) {
    const frame = alert as DataFrame;
    if (frame.height === 0) {
      throw new HuntError("The alert frame has no rows.", { hint: "Pass a SecurityAlert row." });
    }
    return frame.head(1).toRecords()[0] as Record<string, unknown>;
  }
  if (typeof alert === "string") {
    const text = `SecurityAlert\n| where SystemAlertId == ${kqlLiteral(alert)}\n| take 1`;
    const frame = session
      ? await session.query("alertRow", text)
      : (await provider.query(text)).frame;
    if (frame.height === 0) {
      throw new HuntError(`No SecurityAlert row has SystemAlertId ${JSON.stringify(alert)}.`, {
        hint:
          "Pass the alert's row (a record or a frame) or an id from SecurityAlert's SystemAlertId.",
      });
    }
    return frame.toRecords()[0] as Record<string, unknown>;
  }
  if (alert && typeof alert === "object") return alert as Record<string, unknown>;
  throw new HuntError("investigateAlert takes a SecurityAlert row or a SystemAlertId.", {
    hint: "Pass a record, a frame whose first row is the alert, or the id.",
  });
}

function alertTime(row: Record<string, unknown>, columns: readonly string[]): Date {
  for (const c of columns) {
    const v = row[c];
    if (v instanceof Date || (typeof v === "string" && v)) {
      const d = new Date(v);
      if (!isNaN(d.getTime())) return d;
    }
  }
  throw new HuntError("The alert row has no time (StartTime or TimeGenerated).", {
    hint: "Pass a SecurityAlert row as the table holds it.",
  });
}

const DAY = 86_400_000;

function toDate(value: Date | string, name: string): Date {
  const d = new Date(value);
  if (isNaN(d.getTime())) {
    throw new HuntError(`${name} ${JSON.stringify(String(value))} is not a date.`, {
      hint: 'Give an ISO 8601 time ("2026-03-11T00:00:00Z") or a Date.',
    });
  }
  return d;
}

function resolveWindow(
  provider: Provider,
  options: InvestigateOptions,
  first?: Date,
  last?: Date,
): { start: Date; end: Date } {
  const now = provider.referenceTime ?? new Date();
  let end = options.end !== undefined
    ? toDate(options.end, "end")
    : last
    ? new Date(Math.min(last.getTime() + 3 * DAY, now.getTime()))
    : now;
  let start: Date;
  if (options.start !== undefined) start = toDate(options.start, "start");
  else if (first && options.window === undefined) start = new Date(first.getTime() - 2 * DAY);
  else {
    const text = options.window ?? "7d";
    const micros = typeof text === "string" ? readKqlTimespan(text) : undefined;
    if (micros === undefined || micros <= 0n) {
      throw new HuntError(`window ${JSON.stringify(text)} is not a timespan.`, {
        hint: 'Write it as KQL does: "7d", "12h".',
      });
    }
    start = new Date(end.getTime() - Number(micros / 1000n));
  }
  if (start >= end) [start, end] = [end, start];
  return { start, end };
}

function optionsCode(options: InvestigateOptions): string {
  const plain: Record<string, unknown> = {};
  for (const key of ["start", "end", "window", "hops", "maxEntities", "context"] as const) {
    const v = options[key];
    if (v !== undefined) plain[key] = v instanceof Date ? v.toISOString() : v;
  }
  return Object.keys(plain).length ? `, ${JSON.stringify(plain)}` : "";
}

function uniqueEntities(entities: readonly EntityRef[]): EntityRef[] {
  const seen = new Map<string, EntityRef>();
  for (const e of entities) {
    const key = entityKey(e);
    const had = seen.get(key);
    // Keep the fullest form (a UPN over a bare name).
    if (!had || e.value.length > had.value.length) seen.set(key, e);
  }
  return [...seen.values()];
}

interface Plan {
  session?: Session;
  provider: Provider;
  window: { start: Date; end: Date };
  options: InvestigateOptions;
  subject: string;
  seeds: { entity: EntityRef; from: string }[];
  extraHits: (entity: EntityRef) => Hit[];
  code: string;
}

/** An address many accounts sign in from successfully is shared (an office's NAT, a VPN): not a lead. */
const SHARED_ADDRESS_ACCOUNTS = 10;

async function investigate(plan: Plan): Promise<Investigation> {
  const options = plan.options;
  const hops = checkCount(options.hops ?? 0, "hops");
  const budget = checkCount(options.maxEntities ?? 15, "maxEntities");
  const families = options.families ?? builtinHuntFamilies();
  const ctx: RunContext = {
    session: plan.session,
    provider: plan.provider,
    start: plan.window.start,
    end: plan.window.end,
    families,
    signal: options.signal,
    cache: new Map(),
    skipped: new Map(),
    context: [],
  };
  interface Met {
    entity: EntityRef;
    hop: number;
    from: string;
    investigated: boolean;
    mentions: number;
    /** When a finding first named it (a starting entity has none). */
    linked?: Date;
    note?: string;
  }
  const met = new Map<string, Met>();
  const queue: Met[] = [];
  for (const { entity, from } of plan.seeds) {
    const m: Met = { entity, hop: 0, from, investigated: false, mentions: 1 };
    met.set(entityKey(entity), m);
    queue.push(m);
  }
  let shared: Promise<Set<string>> | undefined;
  const hits: Hit[] = [];
  let done = 0;
  while (queue.length && done < budget) {
    queue.sort((a, b) => a.hop - b.hop || b.mentions - a.mentions);
    const next = queue.shift()!;
    if (next.entity.kind === "ip" && next.hop > 0) {
      shared ??= sharedAddresses(ctx);
      const accounts = (await shared).has(next.entity.key);
      if (accounts) {
        next.note = "not followed: a shared address (many accounts sign in from it)";
        continue;
      }
    }
    next.investigated = true;
    done++;
    // An entity reached by a pivot is looked at from a day before the finding that named it:
    // what it did long before it met the incident is its own history, not this incident.
    const since = next.linked ? new Date(next.linked.getTime() - DAY) : undefined;
    const found = [
      ...plan.extraHits(next.entity),
      ...await alertHits(ctx, next.entity),
      ...await detectionHits(ctx, next.entity, since),
      ...await beaconHits(ctx, next.entity),
      ...await volumeHits(ctx, next.entity),
    ].filter((h) => since === undefined || h.end >= since);
    hits.push(...found);
    if (options.context) await contextQueries(ctx, next.entity);
    next.note = await enrichmentNote(next.entity);
    const named: { entity: EntityRef; from: string; time?: Date }[] = found.flatMap((h) =>
      h.named.map((entity) => ({ entity, from: h.source, time: h.time }))
    );
    const follow = next.hop < hops;
    for (const entity of follow ? await hostAddresses(ctx, next.entity) : []) {
      named.push({ entity, from: `address of ${next.entity.value}`, time: next.linked });
    }
    for (const { entity, from, time } of named) {
      const key = entityKey(entity);
      const had = met.get(key);
      if (had) {
        had.mentions++;
        if (entity.value.length > had.entity.value.length && !had.investigated) had.entity = entity;
        if (!had.investigated && had.linked && time && time < had.linked) had.linked = time;
        continue;
      }
      const m: Met = {
        entity,
        hop: next.hop + 1,
        from,
        investigated: false,
        mentions: 1,
        linked: time,
      };
      met.set(key, m);
      // Past the last hop, what the findings name is listed to pivot from, not followed.
      if (follow) queue.push(m);
    }
  }
  const findings = mergeHits(hits);
  const entities = [...met.values()]
    .sort((a, b) => Number(b.investigated) - Number(a.investigated) || a.hop - b.hop)
    .map((m) => ({
      kind: m.entity.kind,
      value: m.entity.value,
      hop: m.hop,
      from: m.from,
      investigated: m.investigated,
      findings: findings.filter((f) => f.entities.includes(m.entity.value)).length,
      ...(m.note ? { note: m.note } : {}),
    }));
  const result = new Investigation({
    subject: plan.subject,
    start: ctx.start,
    end: ctx.end,
    findings,
    entities,
    skipped: ctx.skipped,
    context: ctx.context,
  });
  if (plan.session) await recordSummary(plan.session, result, plan.code);
  return result;
}

function checkCount(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new HuntError(
      `${name} must be a whole number of 0 or more, not ${JSON.stringify(value)}.`,
      {
        hint: name === "hops"
          ? "hops: 2 follows what the findings name twice."
          : "maxEntities: 15.",
      },
    );
  }
  return value;
}

async function sharedAddresses(ctx: RunContext): Promise<Set<string>> {
  try {
    const rows = await runOwnKql(
      ctx,
      "sharedAddresses",
      `SigninLogs\n| where TimeGenerated between (${kqlLiteral(ctx.start)} .. ${
        kqlLiteral(ctx.end)
      })\n| where ResultType == "0"\n| summarize Accounts = dcount(UserPrincipalName) by IPAddress\n` +
        `| where Accounts >= ${SHARED_ADDRESS_ACCOUNTS}`,
    );
    return new Set(rows.map((r) => String(r.IPAddress).toLowerCase()));
  } catch (error) {
    ctx.skipped.set("sharedAddresses", String((error as Error)?.message ?? error).split("\n")[0]);
    return new Set();
  }
}

async function contextQueries(ctx: RunContext, entity: EntityRef): Promise<void> {
  for (const { id, query } of huntEntries(ctx.families)) {
    if (query.techniques.length) continue;
    const [param] = huntEntityParams(query, entity.kind);
    if (!param) continue;
    const required = Object.entries(query.parameters).filter(([, p]) => p.default === undefined);
    if (required.some(([name]) => name !== param)) continue;
    try {
      const frame = await runHuntQuery(query, {
        [param]: entity.value,
        start: ctx.start,
        end: ctx.end,
      }, {
        session: ctx.session,
        provider: ctx.provider,
        id,
        signal: ctx.signal,
      });
      ctx.context.push({ id, entity: entity.value, rows: frame.height });
    } catch (error) {
      ctx.skipped.set(id, String((error as Error)?.message ?? error).split("\n")[0]);
    }
  }
}

async function enrichmentNote(entity: EntityRef): Promise<string | undefined> {
  if (entity.kind !== "ip" || isPrivateIpv4(entity.key)) return undefined;
  try {
    const [geo] = await geoLookup([entity.key]);
    const where = [geo.city, geo.country].filter(Boolean).join(", ");
    return where ? `geo-IP: ${where}${geo.asn ? ` (AS${geo.asn})` : ""}` : `geo-IP: ${geo.kind}`;
  } catch {
    return undefined;
  }
}

async function recordSummary(session: Session, result: Investigation, code: string): Promise<void> {
  const name = `investigation${session.steps().length + 1}`;
  await session.record(name, result, { code });
  if (result.findings.length) {
    const top = result.ranked.slice(0, 3).map((f) => f.what).join("; ");
    await session.mark(
      name,
      "finding",
      `${result.findings.length} findings of ${result.subject}: ${top}`,
    );
  }
}
