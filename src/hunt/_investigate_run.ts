/**
 * What an investigation runs: the library's detection queries (each once per window, on the
 * session as a step or on the provider), the SecurityAlert rows, and the analyses that
 * take an entity (beaconing of a host's connections, a host's outbound volume against its
 * own baseline), turned into hits: rows that involve an entity, with their source, time,
 * ATT&CK mapping and the entities they name.
 *
 * @module
 */
import { findBeacons } from "../analysis/beaconing.ts";
import type { DataFrame } from "../polars.ts";
import type { Provider } from "../providers/mod.ts";
import { kqlLiteral } from "../session/kql_template.ts";
import type { Session } from "../session/session.ts";
import { builtinHuntFamilies, huntEntries } from "./library.ts";
import { runHuntQuery } from "./run.ts";
import type { HuntFamily, HuntQuery } from "./types.ts";
import {
  cellTokens,
  type EntityRef,
  entityRef,
  rowEntities,
  tokensInvolve,
} from "./_investigate_entities.ts";

/** How bad a finding is. */
export type FindingSeverity = "high" | "medium" | "low";

/** Rows of one source that involve an entity, close in time. */
export interface Hit {
  readonly source: string;
  readonly what: string;
  readonly time: Date;
  readonly end: Date;
  readonly rows: number;
  readonly techniques: readonly string[];
  readonly tactics: readonly string[];
  readonly severity: FindingSeverity;
  /** The entity investigated whose rows these are. */
  readonly entity: EntityRef;
  /** Entities the rows name. */
  readonly named: readonly EntityRef[];
}

/** Shared by every entity of one investigation: where to run, the window, the caches. */
export interface RunContext {
  readonly session?: Session;
  readonly provider: Provider;
  readonly start: Date;
  readonly end: Date;
  readonly families: readonly HuntFamily[];
  readonly signal?: AbortSignal;
  /** Detection results by query id (undefined: the query could not run here). */
  readonly cache: Map<string, Promise<Row[] | undefined>>;
  /** Sources that could not run, and why. */
  readonly skipped: Map<string, string>;
  /** Context queries run, with their row counts. */
  readonly context: { id: string; entity: string; rows: number }[];
  /** The provider's tables (lower-case), when it can list them: queries needing others are skipped. */
  tables?: Promise<Set<string> | undefined>;
}

/** Whether the provider serves every table of `needed` (true when it cannot list its tables). */
async function hasTables(ctx: RunContext, id: string, needed: readonly string[]): Promise<boolean> {
  ctx.tables ??= ctx.provider.tables().then(
    (list) => new Set(list.filter((t) => !t.error).map((t) => t.name.toLowerCase())),
    () => undefined,
  );
  const tables = await ctx.tables;
  const missing = tables ? needed.filter((t) => !tables.has(t.toLowerCase())) : [];
  if (missing.length) ctx.skipped.set(id, `no ${missing.join(", ")} table here`);
  return missing.length === 0;
}

type Row = Record<string, unknown>;

const TIME_COLUMNS = ["TimeGenerated", "FirstSeen", "WindowStart", "FirstFailure", "Hour", "Day"];
const END_COLUMNS = ["LastSeen", "LastFailure"];
/** Rows of a source further apart than this are separate hits. */
const CLUSTER_GAP_MS = 60 * 60 * 1000;
/** Columns whose value says what ran; the same value on this many hosts is fleet behaviour. */
const CONTENT_COLUMNS = [
  "CommandLine",
  "ProcessCommandLine",
  "EncodedPayload",
  "ServiceFileName",
  "TaskCommand",
  "RegistryValueData",
];
const FLEET_HOSTS = 3;
/**
 * Columns in which a library query says why a row is suspicious; a row where each is false
 * is context the query lists alongside (an RDP logon from a jump host, an internal redirect).
 */
const SUSPICION_FLAGS = ["FromInternet", "IsExternal", "UnusualPath", "UserWritablePath"];

const HIGH_TACTICS = new Set([
  "Credential Access",
  "Lateral Movement",
  "Exfiltration",
  "Command and Control",
  "Impact",
]);
const LOW_TACTICS = new Set(["Discovery", "Reconnaissance"]);

/** The severity a detection's tactics give its hits. */
export function tacticSeverity(tactics: readonly string[]): FindingSeverity {
  if (tactics.some((t) => HIGH_TACTICS.has(t))) return "high";
  if (tactics.length > 0 && tactics.every((t) => LOW_TACTICS.has(t))) return "low";
  return "medium";
}

/** The detection queries of the library: those with an ATT&CK technique and no required parameter. */
export function detectionQueries(
  families: readonly HuntFamily[] = builtinHuntFamilies(),
): { id: string; query: HuntQuery }[] {
  return huntEntries(families)
    .filter(({ query }) =>
      query.techniques.length > 0 &&
      Object.values(query.parameters).every((p) => p.default !== undefined)
    )
    .map(({ id, query }) => ({ id, query }));
}

/** Runs KQL of the investigation's own (an analysis' input) on the session or provider. */
export async function runOwnKql(ctx: RunContext, name: string, text: string): Promise<Row[]> {
  const frame: DataFrame = ctx.session
    ? await ctx.session.query(name, text, { signal: ctx.signal })
    : (await ctx.provider.query(text, { signal: ctx.signal, now: ctx.end })).frame;
  return frame.toRecords() as Row[];
}

function detectionRows(ctx: RunContext, id: string, query: HuntQuery): Promise<Row[] | undefined> {
  let pending = ctx.cache.get(id);
  if (!pending) {
    pending = hasTables(ctx, id, query.tables).then((ok) =>
      ok ? runDetection(ctx, id, query) : undefined
    );
    ctx.cache.set(id, pending);
  }
  return pending;
}

function runDetection(ctx: RunContext, id: string, query: HuntQuery): Promise<Row[] | undefined> {
  return runHuntQuery(query, { start: ctx.start, end: ctx.end }, {
    session: ctx.session,
    provider: ctx.provider,
    id,
    signal: ctx.signal,
  }).then(
    (frame) => fleetFiltered(frame.toRecords() as Row[]),
    (error) => {
      ctx.skipped.set(id, firstLine(error));
      return undefined;
    },
  );
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split("\n")[0];
}

/**
 * The rows that flag something: not those the query marks unsuspicious, not the fleet's
 * routine (a command, payload, service binary or autostart value seen on many hosts).
 */
function fleetFiltered(rows: Row[]): Row[] {
  rows = rows.filter((row) => {
    const flags = SUSPICION_FLAGS.filter((c) => typeof row[c] === "boolean");
    return flags.length === 0 || flags.some((c) => row[c] === true);
  });
  if (rows.length === 0) return rows;
  // Rows that count or list the hosts themselves: many hosts is the fleet's routine.
  rows = rows.filter((row) =>
    !["Hosts", "Devices", "Computers"].some((c) => {
      const v = row[c];
      const n = typeof v === "number" ? v : listLength(v);
      return n !== undefined && n >= FLEET_HOSTS;
    })
  );
  if (rows.length === 0) return rows;
  const columns = Object.keys(rows[0]);
  const content = CONTENT_COLUMNS.find((c) => columns.includes(c));
  const host = ["Computer", "DeviceName"].find((c) => columns.includes(c));
  if (!content || !host) return rows;
  const hosts = new Map<string, Set<string>>();
  for (const row of rows) {
    const key = String(row[content] ?? "");
    const set = hosts.get(key) ?? new Set();
    set.add(String(row[host] ?? "").toLowerCase());
    hosts.set(key, set);
  }
  return rows.filter((row) => (hosts.get(String(row[content] ?? ""))?.size ?? 0) < FLEET_HOSTS);
}

function listLength(value: unknown): number | undefined {
  if (Array.isArray(value)) return value.length;
  if (typeof value !== "string" || !value.startsWith("[")) return undefined;
  try {
    const parsed = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.length : undefined;
  } catch {
    return undefined;
  }
}

function rowTime(row: Row, columns: readonly string[]): Date | undefined {
  for (const c of columns) {
    const v = row[c];
    if (v instanceof Date) return v;
    if (typeof v === "string" && /^\d{4}-\d\d-\d\dT/.test(v)) return new Date(v);
  }
  return undefined;
}

/** Groups rows (already matched to an entity) into hits, splitting at gaps of an hour. */
function clusterHits(
  rows: Row[],
  base: Omit<Hit, "time" | "end" | "rows" | "named">,
  extraNamed: (row: Row) => EntityRef[] = () => [],
): Hit[] {
  const timed = rows
    .map((row) => ({ row, time: rowTime(row, TIME_COLUMNS) }))
    .filter((r): r is { row: Row; time: Date } => r.time !== undefined)
    .sort((a, b) => a.time.getTime() - b.time.getTime());
  const hits: Hit[] = [];
  let group: { row: Row; time: Date }[] = [];
  let groupEnd = 0;
  const flush = () => {
    if (!group.length) return;
    const named = group.flatMap(({ row }) => [...rowEntities(row), ...extraNamed(row)]);
    hits.push({
      ...base,
      time: group[0].time,
      end: new Date(groupEnd),
      rows: group.length,
      named,
    });
    group = [];
  };
  for (const r of timed) {
    const end = (rowTime(r.row, END_COLUMNS) ?? r.time).getTime();
    if (group.length && r.time.getTime() - groupEnd > CLUSTER_GAP_MS) flush();
    groupEnd = group.length ? Math.max(groupEnd, end) : end;
    group.push(r);
  }
  flush();
  return hits;
}

function firstSentence(text: string): string {
  const m = /^(.*?[.!?])(\s|$)/.exec(text);
  return (m ? m[1] : text).replace(/\.$/, "");
}

/**
 * Hits of the library's detection queries whose rows involve `entity` (and, with `since`,
 * do not end before it).
 */
export async function detectionHits(
  ctx: RunContext,
  entity: EntityRef,
  since?: Date,
): Promise<Hit[]> {
  const out: Hit[] = [];
  const queries = detectionQueries(ctx.families);
  // A session's steps are appended one at a time; a provider can take them all at once.
  const results: (Row[] | undefined)[] = [];
  if (ctx.session) {
    for (const { id, query } of queries) results.push(await detectionRows(ctx, id, query));
  } else {
    results.push(
      ...await Promise.all(queries.map(({ id, query }) => detectionRows(ctx, id, query))),
    );
  }
  queries.forEach(({ id, query }, i) => {
    const rows = results[i];
    if (!rows?.length) return;
    const involved = rows.filter((row) =>
      tokensInvolve(rowTokens(row), entity) &&
      (since === undefined ||
        (rowTime(row, END_COLUMNS) ?? rowTime(row, TIME_COLUMNS) ?? since) >= since)
    );
    if (!involved.length) return;
    out.push(...clusterHits(involved, {
      source: id,
      what: firstSentence(query.description),
      techniques: query.techniques,
      tactics: query.tactics,
      severity: tacticSeverity(query.tactics),
      entity,
    }));
  });
  return out;
}

function rowTokens(row: Row): Set<string> {
  const tokens = new Set<string>();
  for (const v of Object.values(row)) cellTokens(v, tokens);
  return tokens;
}

/** The SecurityAlert rows of the window that name `entity`, as hits (their activity time). */
export async function alertHits(ctx: RunContext, entity: EntityRef): Promise<Hit[]> {
  let pending = ctx.cache.get("SecurityAlert");
  if (!pending) {
    pending = runOwnKql(
      ctx,
      "securityAlerts",
      `SecurityAlert\n| where TimeGenerated between (${kqlLiteral(ctx.start)} .. ${
        kqlLiteral(ctx.end)
      })\n| project TimeGenerated, StartTime, EndTime, AlertName, AlertSeverity, ` +
        `CompromisedEntity, Entities, ExtendedProperties, Tactics, Techniques, SystemAlertId`,
    ).catch((error) => {
      ctx.skipped.set("SecurityAlert", firstLine(error));
      return undefined;
    });
    ctx.cache.set("SecurityAlert", pending);
  }
  const rows = (await pending) ?? [];
  return rows.flatMap((row) => {
    if (!tokensInvolve(alertTokens(row), entity)) return [];
    return [alertHit(row, entity)];
  });
}

function alertTokens(row: Row): Set<string> {
  const tokens = new Set<string>();
  cellTokens(row.CompromisedEntity, tokens);
  for (const e of alertEntities(row)) tokens.add(e.key);
  return tokens;
}

/** The hit an alert row makes for `entity`. */
export function alertHit(row: Row, entity: EntityRef): Hit {
  const time = rowTime(row, ["StartTime", "TimeGenerated"])!;
  const end = rowTime(row, ["EndTime", "TimeGenerated"]) ?? time;
  const severity = String(row.AlertSeverity ?? "").toLowerCase();
  return {
    source: `alert: ${row.AlertName}`,
    what: `Alert "${row.AlertName}"`,
    time,
    end,
    rows: 1,
    techniques: parseList(row.Techniques),
    tactics: String(row.Tactics ?? "").split(",").map((t) => t.trim()).filter(Boolean)
      .map(alertTactic),
    severity: severity === "high"
      ? "high"
      : severity === "low" || severity === "informational"
      ? "low"
      : "medium",
    entity,
    named: alertEntities(row),
  };
}

function parseList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== "string" || !value) return [];
  try {
    const parsed = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map(String) : [String(parsed)];
  } catch {
    return value.split(",").map((s) => s.trim()).filter(Boolean);
  }
}

/** SecurityAlert writes tactics without spaces ("CredentialAccess"); ATT&CK names have them. */
function alertTactic(tactic: string): string {
  return tactic.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/ And /, " and ");
}

/** The accounts, hosts, addresses and OAuth apps an alert's Entities and CompromisedEntity name. */
export function alertEntities(row: Row): EntityRef[] {
  const out: EntityRef[] = [];
  const push = (ref: EntityRef | undefined) => ref && out.push(ref);
  let entities: unknown = [];
  try {
    entities = typeof row.Entities === "string" ? JSON.parse(row.Entities) : row.Entities ?? [];
  } catch { /* an unreadable Entities column leaves CompromisedEntity */ }
  for (const e of Array.isArray(entities) ? entities as Record<string, unknown>[] : []) {
    const type = String(e.Type ?? "").toLowerCase();
    if (type === "account" && typeof e.Name === "string") {
      push(entityRef("account", e.UPNSuffix ? `${e.Name}@${e.UPNSuffix}` : e.Name));
    } else if (type === "host" && typeof e.HostName === "string") {
      push(entityRef("host", e.HostName));
    } else if (type === "ip" && typeof e.Address === "string") {
      push(entityRef("ip", e.Address));
    } else if (type === "cloud-application" && typeof e.OAuthAppId === "string") {
      // An OAuth app (Defender for Cloud Apps names it by its own number and its app id).
      push(entityRef("app", e.OAuthAppId));
    }
  }
  const compromised = String(row.CompromisedEntity ?? "");
  if (compromised) {
    push(
      entityRef("ip", compromised) ??
        (compromised.includes("@") || compromised.includes("\\")
          ? entityRef("account", compromised)
          : entityRef("host", compromised)),
    );
  }
  return out;
}

/** Beacon score at or above which a (host, destination) pair is a finding. */
const BEACON_SCORE = 0.8;
/** Fewest connections for a beacon: a day of a 30-minute check-in. */
const BEACON_MIN_CONNECTIONS = 48;

/** The host's public connections scored as beacons (the beaconing analysis); the regular ones are hits. */
export async function beaconHits(ctx: RunContext, entity: EntityRef): Promise<Hit[]> {
  if (entity.kind !== "host") return [];
  const source = "analysis: findBeacons";
  let rows: Row[];
  try {
    rows = await runOwnKql(
      ctx,
      `connectionsOf_${stepName(entity.key)}`,
      `DeviceNetworkEvents\n| where TimeGenerated between (${kqlLiteral(ctx.start)} .. ${
        kqlLiteral(ctx.end)
      })\n| where DeviceName =~ ${kqlLiteral(entity.key)} or DeviceName startswith ${
        kqlLiteral(entity.key + ".")
      }\n| where RemoteIPType == "Public"\n` +
        `| project TimeGenerated, DeviceName, RemoteIP, RemoteUrl, RemotePort, InitiatingProcessFileName`,
    );
  } catch (error) {
    ctx.skipped.set(source, firstLine(error));
    return [];
  }
  if (rows.length < BEACON_MIN_CONNECTIONS) return [];
  const { pl } = await import("../polars.ts");
  const flows = pl.DataFrame(rows.map((r) => ({
    TimeGenerated: r.TimeGenerated,
    DeviceName: r.DeviceName,
    RemoteIP: r.RemoteIP,
  })));
  const beacons = findBeacons(flows, { minConnections: BEACON_MIN_CONNECTIONS })
    .toRecords() as Row[];
  const urls = new Map<string, string>();
  for (const r of rows) if (r.RemoteUrl) urls.set(String(r.RemoteIP), String(r.RemoteUrl));
  return beacons
    .filter((b) => Number(b.score) >= BEACON_SCORE)
    .map((b) => ({
      source,
      what: `Beacon to ${b.RemoteIP}${
        urls.has(String(b.RemoteIP)) ? ` (${urls.get(String(b.RemoteIP))})` : ""
      } every ~${Math.round(Number(b.periodSeconds))} s, ${b.connections} connections`,
      time: new Date(b.first as string | Date),
      end: new Date(b.last as string | Date),
      rows: Number(b.connections),
      techniques: ["T1071.001", "T1573"],
      tactics: ["Command and Control"],
      severity: "high" as const,
      entity,
      named: [entityRef("ip", String(b.RemoteIP))].filter((e): e is EntityRef => !!e),
    }));
}

/** An hour's upload to one destination past this many bytes, and this many times the host's usual hour, is a finding. */
const VOLUME_MIN_BYTES = 100 * 1024 * 1024;
const VOLUME_FACTOR = 20;

/**
 * A private address's uploads to the internet (the firewall's log) against its own usual
 * hour over the week before: an hour far above it is a finding (exfiltration over a web
 * service when it goes to 443 or 80).
 */
export async function volumeHits(ctx: RunContext, entity: EntityRef): Promise<Hit[]> {
  if (entity.kind !== "ip" || !isPrivateIpv4(entity.key)) return [];
  const source = "analysis: outboundVolume";
  const baselineStart = new Date(ctx.start.getTime() - 7 * 86_400_000);
  let rows: Row[];
  try {
    rows = await runOwnKql(
      ctx,
      `uploadsOf_${stepName(entity.key)}`,
      `CommonSecurityLog\n| where TimeGenerated between (${kqlLiteral(baselineStart)} .. ${
        kqlLiteral(ctx.end)
      })\n| where SourceIP == ${kqlLiteral(entity.key)} and DeviceAction == "allow"\n` +
        `| where not(ipv4_is_private(DestinationIP))\n` +
        `| summarize SentBytes = sum(SentBytes), Sessions = count(), Port = max(DestinationPort) ` +
        `by Hour = bin(TimeGenerated, 1h), DestinationIP`,
    );
  } catch (error) {
    ctx.skipped.set(source, firstLine(error));
    return [];
  }
  const perHour = new Map<number, number>();
  for (const r of rows) {
    const h = new Date(r.Hour as string | Date).getTime();
    perHour.set(h, (perHour.get(h) ?? 0) + Number(r.SentBytes ?? 0));
  }
  const hours = Math.max(1, Math.round((ctx.end.getTime() - baselineStart.getTime()) / 3_600_000));
  // The usual hour: the median over every hour of the span (silent hours count as zero).
  const values = [...perHour.values()].sort((a, b) => a - b);
  const zeros = Math.max(0, hours - values.length);
  const all = [...new Array(zeros).fill(0), ...values];
  const usual = all[Math.floor(all.length / 2)] ?? 0;
  const big = rows.filter((r) => {
    const t = new Date(r.Hour as string | Date);
    return t >= ctx.start && Number(r.SentBytes) >= VOLUME_MIN_BYTES &&
      Number(r.SentBytes) >= VOLUME_FACTOR * Math.max(usual, 1);
  });
  if (!big.length) return [];
  const byDest = new Map<string, Row[]>();
  for (const r of big) {
    const list = byDest.get(String(r.DestinationIP)) ?? [];
    list.push(r);
    byDest.set(String(r.DestinationIP), list);
  }
  return [...byDest.entries()].map(([dest, list]) => {
    const times = list.map((r) => new Date(r.Hour as string | Date).getTime()).sort();
    const bytes = list.reduce((s, r) => s + Number(r.SentBytes), 0);
    const web = list.every((r) => [443, 80].includes(Number(r.Port)));
    return {
      source,
      what: `${
        (bytes / 1_048_576).toFixed(0)
      } MB uploaded to ${dest} in ${list.length} h (usual hour: ${
        (usual / 1_048_576).toFixed(1)
      } MB)`,
      time: new Date(times[0]),
      end: new Date(times[times.length - 1] + 3_600_000),
      rows: list.reduce((s, r) => s + Number(r.Sessions), 0),
      techniques: web ? ["T1567", "T1041"] : ["T1048"],
      tactics: ["Exfiltration"],
      severity: "high" as const,
      entity,
      named: [entityRef("ip", dest)].filter((e): e is EntityRef => !!e),
    };
  });
}

/** A host's own private addresses, from its network events (to follow it in firewall and DNS logs). */
export async function hostAddresses(ctx: RunContext, entity: EntityRef): Promise<EntityRef[]> {
  if (entity.kind !== "host") return [];
  try {
    const rows = await runOwnKql(
      ctx,
      `addressesOf_${stepName(entity.key)}`,
      `DeviceNetworkEvents\n| where TimeGenerated between (${kqlLiteral(ctx.start)} .. ${
        kqlLiteral(ctx.end)
      })\n| where DeviceName =~ ${kqlLiteral(entity.key)} or DeviceName startswith ${
        kqlLiteral(entity.key + ".")
      }\n| where LocalIPType == "Private"\n| summarize Events = count() by LocalIP\n| top 2 by Events`,
    );
    ctx.context.push({
      id: "DeviceNetworkEvents (addresses)",
      entity: entity.value,
      rows: rows.length,
    });
    return rows.map((r) => entityRef("ip", String(r.LocalIP))).filter((e): e is EntityRef => !!e);
  } catch (error) {
    ctx.skipped.set("addresses", firstLine(error));
    return [];
  }
}

/** Whether an IPv4 address is private (RFC 1918). */
export function isPrivateIpv4(ip: string): boolean {
  return /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(ip);
}

function stepName(text: string): string {
  return text.replace(/[^A-Za-z0-9_]/g, "_");
}
