/**
 * Microsoft Sentinel incidents as the start and the end of a case, through Azure Resource
 * Manager (Microsoft.SecurityInsights REST, api-version 2024-03-01, with `@azure/identity`
 * credentials and `fetch`-free `node:https`): list incidents, open one with its alerts,
 * entities and comments as frames, seed a session from it (time window, accounts, hosts,
 * IPs, hashes, URLs as parameters), and write findings back (bookmarks, a summary comment,
 * a watchlist of indicators, threat-intelligence indicators, status and classification).
 *
 * @module
 */
import type { TokenCredential } from "@azure/identity";
import { checkOptions, defineOptions } from "../../options.ts";
import { type DataFrame, isDataFrame } from "../../polars.ts";
import { type CloudName, type CredentialKind, type EnvReader, resolveConfig } from "./_config.ts";
import { createCredential, type SignInKind } from "./_credentials.ts";
import { loadAzureSdk } from "./_sdk.ts";
import { IncidentError, type WriteBackItem } from "./_errors.ts";
import { ARM_ENDPOINTS, ArmHttp } from "./_incident_http.ts";
import {
  alertsFrame,
  type ArmObject,
  commentsFrame,
  entitiesFrame,
  incidentFrame,
  type IncidentIndicators,
  incidentsFrame,
  indicatorsOf,
} from "./_incident_frames.ts";
import {
  type FindingsSession,
  type IncidentState,
  type Indicator,
  planWrites,
  runWrites,
} from "./_incident_writeback.ts";
import {
  existingPatterns,
  indicatorsFrom,
  type SkippedIndicator,
  type StixIndicator,
  stixOf,
} from "./_incident_ti.ts";

export type { FindingsSession, IncidentIndicators, Indicator, SkippedIndicator, WriteBackItem };

/** Options of {@link openIncidents}. */
export interface IncidentClientOptions {
  /**
   * The workspace's ARM id, `/subscriptions/<id>/resourceGroups/<rg>/providers/
   * Microsoft.OperationalInsights/workspaces/<name>` (default: the configured workspace's
   * `resourceId`).
   */
  workspaceResource?: string;
  /** A workspace of the Sentinel config by friendly name (for its `resourceId`). */
  workspace?: string;
  /**
   * How to sign in: a credential kind or a `TokenCredential` (default: a bearer token in
   * `CASEFILE_ARM_TOKEN`, else the Sentinel config's credential).
   */
  credential?: CredentialKind | TokenCredential;
  /** The Resource Manager endpoint (default: `CASEFILE_ARM_ENDPOINT`, else the cloud's). */
  endpoint?: string;
  /** `public` (default), `usgov` or `china`. */
  cloud?: CloudName;
  /** Another Entra ID sign-in host (see the Sentinel provider). */
  authorityHost?: string;
  /** Extra CA certificates (PEM) to trust. */
  caCertificates?: readonly string[];
  /** A Sentinel config file. */
  configFile?: string;
  /** Environment variables are read from here (default: `Deno.env`). */
  env?: EnvReader;
  /** Retries of throttled (429) requests (default 3). */
  retries?: number;
  /**
   * The longest wait for each request's answer, sign-in included, in ms (default 60 000):
   * past it the call fails with an {@link IncidentError} naming the request.
   */
  timeoutMs?: number;
}

const CLIENT_OPTIONS = defineOptions<IncidentClientOptions>("openIncidents", {
  workspaceResource: { kind: "string", aliases: ["resourceId", "workspaceResourceId"] },
  workspace: "string",
  credential: { kind: ["string", "object"], secret: true },
  endpoint: "string",
  cloud: "string",
  authorityHost: "string",
  caCertificates: "strings",
  configFile: "string",
  env: "function",
  retries: "number",
  timeoutMs: "number",
});

/** Options of {@link IncidentClient.list}. */
export interface ListIncidentsOptions {
  /** Only incidents of these statuses (`New`, `Active`, `Closed`). */
  status?: string | string[];
  /** Only incidents of these severities (`High`, `Medium`, `Low`, `Informational`). */
  severity?: string | string[];
  /** Only incidents created at or after this time. */
  since?: Date;
  /** Only incidents created before this time. */
  until?: Date;
  /**
   * At most this many (default 200); pages are followed through `nextLink`, only on the
   * Resource Manager endpoint's own origin.
   */
  limit?: number;
}

const LIST_OPTIONS = defineOptions<ListIncidentsOptions>("incidents.list", {
  status: { kind: ["string", "strings"] },
  severity: { kind: ["string", "strings"] },
  since: "date",
  until: "date",
  limit: "number",
});

/** An incident opened with everything hanging off it. */
export interface OpenedIncident {
  /** Its name (a GUID): what the API and `--incident` take. */
  readonly id: string;
  /** The number people see in the portal. */
  readonly number: number;
  /** Its title. */
  readonly title: string;
  /** `High`, `Medium`, `Low` or `Informational`. */
  readonly severity: string;
  /** `New`, `Active` or `Closed`. */
  readonly status: string;
  /** The etag read, for an update that must not overwrite someone else's change. */
  readonly etag?: string;
  /** When its first alert's activity began. */
  readonly firstActivity?: Date;
  /** When its last alert's activity ended. */
  readonly lastActivity?: Date;
  /** One row: the incident. */
  readonly incident: DataFrame;
  /** A row per alert. */
  readonly alerts: DataFrame;
  /** A row per entity: `Kind`, `Value`, `FriendlyName`, `Properties` (JSON). */
  readonly entities: DataFrame;
  /** A row per comment. */
  readonly comments: DataFrame;
  /** The distinct accounts, hosts, IPs, hashes and URLs of its entities. */
  readonly indicators: IncidentIndicators;
}

/** The part of a session {@link seedSession} writes to (a casefile `Session` is one). */
export interface SeedableSession {
  /** Defines parameters with their defaults. */
  defineParams(
    specs: Record<string, { kind: string; default?: unknown; description?: string }>,
  ): Promise<void>;
  /** Records a value as a step. */
  record(name: string, value: unknown, options?: { code?: string }): Promise<void>;
}

/** Options of {@link seedSession}. */
export interface SeedSessionOptions {
  /** Added before the first and after the last activity, in ms (default one hour). */
  marginMs?: number;
  /** The workspace's ARM id, for the first step's code (where it came from). */
  workspaceResource?: string;
}

const SEED_OPTIONS = defineOptions<SeedSessionOptions>("seedSession", {
  marginMs: "number",
  workspaceResource: "string",
});

/** Options of {@link IncidentClient.writeBack}. */
export interface WriteBackOptions {
  /** A bookmark per step marked as a finding (default true). */
  bookmarks?: boolean;
  /** A summary comment (default true), or the comment's text. */
  comment?: boolean | string;
  /** A path or link to the exported report, named in the comment. */
  report?: string;
  /** Also write these indicators (default: the session's `ips`, `hashes`, `urls`) as a watchlist. */
  watchlist?: string | { alias: string; indicators?: Indicator[] };
  /**
   * Also write indicators as Microsoft Sentinel threat-intelligence indicators
   * (`threatIntelligence/main/createIndicator`, STIX patterns, source `casefile`): `true` for
   * the session's `ips`, `hashes` and `urls`, or {@link ThreatIntelWriteOptions}. Indicators
   * casefile wrote before are left out, so writing again adds nothing twice.
   */
  threatIntel?: boolean | ThreatIntelWriteOptions;
  /** The incident's new status (`Active`, `Closed`). */
  status?: string;
  /** `TruePositive`, `FalsePositive`, `BenignPositive` or `Undetermined` (closing needs one). */
  classification?: string;
  /** E.g. `SuspiciousActivity`, `InaccurateData`. */
  classificationReason?: string;
  /** Free text with the classification. */
  classificationComment?: string;
  /** Rows of each finding's result kept in its bookmark (default 5). */
  sampleRows?: number;
  /**
   * The etag the update must match (default: the session's `incident` frame's, when it is
   * this incident; else the incident is read now).
   */
  etag?: string;
}

/** What {@link WriteBackOptions.threatIntel} writes, and how. */
export interface ThreatIntelWriteOptions {
  /**
   * An IoC frame (columns `type` and `value`, as `extractIocsFrame` makes it) or a list of
   * indicators (default: the session's `ips`, `hashes` and `urls`). Types `ipv4`/`ipv6`/`ip`,
   * `domain`, `url`, `email`, `md5`/`sha1`/`sha256`/`filehash` have STIX patterns; others
   * are left out and listed in the report's `skipped`.
   */
  indicators?: DataFrame | Indicator[];
  /** Labels (default `casefile`, the session's name and `incident-<id>`). */
  labels?: string[];
  /** Confidence 0–100 (default 50). */
  confidence?: number;
  /** Valid from (default now). */
  validFrom?: Date;
  /** Valid until (default: none). */
  validUntil?: Date;
  /** STIX threat types (default `malicious-activity`). */
  threatTypes?: string[];
}

const TI_OPTIONS = defineOptions<ThreatIntelWriteOptions>("incidents.writeBack threatIntel", {
  indicators: { kind: ["object"], aliases: ["iocs", "frame"] },
  labels: { kind: "strings", aliases: ["tags"] },
  confidence: "number",
  validFrom: "date",
  validUntil: "date",
  threatTypes: "strings",
});

const WRITE_OPTIONS = defineOptions<WriteBackOptions>("incidents.writeBack", {
  bookmarks: "boolean",
  comment: { kind: ["boolean", "string"] },
  report: "string",
  watchlist: { kind: ["string", "object"] },
  threatIntel: { kind: ["boolean", "object"], aliases: ["ti", "tiIndicators"] },
  status: { oneOf: ["New", "Active", "Closed"] },
  classification: {
    oneOf: ["TruePositive", "FalsePositive", "BenignPositive", "Undetermined"],
  },
  classificationReason: "string",
  classificationComment: "string",
  sampleRows: "number",
  etag: "string",
});

/** A session's findings and the report of what was written. */
export interface WriteBackReport {
  /** The incident written to. */
  readonly incident: string;
  /** Every item written, in order. */
  readonly items: readonly WriteBackItem[];
  /** Threat-intelligence indicators left out: written before, or without a STIX pattern. */
  readonly skipped: readonly SkippedIndicator[];
}

const RESOURCE =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i;

/**
 * Opens the incidents of a Sentinel workspace (nothing is sent until the first call).
 *
 * @throws {IncidentError} when no workspace resource id is given or configured, or it is
 *   not one; {@link SentinelConfigError} for a config problem.
 *
 * @example Name the workspace by its ARM id
 * ```ts
 * import assert from "node:assert/strict";
 * import { IncidentError, openIncidents } from "./mod.ts";
 *
 * const workspaceResource = "/subscriptions/0e4d9b62-7a1f-4c83-b5e2-91f7c6d8a3b0" +
 *   "/resourceGroups/rg-secops-prod/providers/Microsoft.OperationalInsights" +
 *   "/workspaces/law-larkspur-sentinel";
 * const credential = {
 *   getToken: () => Promise.resolve({ token: "t", expiresOnTimestamp: Date.now() + 60_000 }),
 * };
 * const incidents = await openIncidents({ workspaceResource, credential, env: () => undefined });
 * assert.equal(incidents.workspaceResource, workspaceResource);
 *
 * // A workspace name alone is not an ARM path: the error says what to give.
 * await assert.rejects(
 *   openIncidents({ workspaceResource: "law-larkspur-sentinel", credential, env: () => undefined }),
 *   IncidentError,
 * );
 * ```
 */
export async function openIncidents(options: IncidentClientOptions = {}): Promise<IncidentClient> {
  checkOptions("openIncidents", options, CLIENT_OPTIONS);
  await loadAzureSdk();
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  const given = options.workspaceResource ?? env("CASEFILE_SENTINEL_WORKSPACE_RESOURCE");
  const config = await resolveConfig({
    configFile: options.configFile,
    env,
    config: {
      ...(options.cloud ? { cloud: options.cloud } : {}),
      ...(options.authorityHost ? { authorityHost: options.authorityHost } : {}),
      ...(options.workspace ? { workspace: options.workspace } : {}),
      // Only the cloud and credential are needed when the ARM id is given: a placeholder
      // stands in for a Log Analytics workspace that is not configured.
      ...(given && !options.workspace && !env("CASEFILE_SENTINEL_WORKSPACE")
        ? { workspace: "00000000-0000-0000-0000-000000000000" }
        : {}),
    },
  }).catch((error) => {
    if (given) throw error;
    throw new IncidentError("No Sentinel workspace is named for incidents", {
      cause: error,
      hint: "Give --workspace-resource /subscriptions/<id>/resourceGroups/<group>/providers/" +
        "Microsoft.OperationalInsights/workspaces/<name> (the workspace's Properties page " +
        'shows it), or a "resourceId" for the workspace in the Sentinel config.',
    });
  });
  const workspaceResource = given ?? config.defaultWorkspace.resourceId;
  if (!workspaceResource || !RESOURCE.test(workspaceResource)) {
    throw new IncidentError(
      workspaceResource
        ? `${workspaceResource} is not a Log Analytics workspace's ARM id`
        : "The workspace's ARM id is needed for incidents, and none is configured",
      {
        hint: "Give --workspace-resource /subscriptions/<id>/resourceGroups/<group>/providers/" +
          "Microsoft.OperationalInsights/workspaces/<name> (the workspace's Properties page " +
          "shows it).",
      },
    );
  }
  if (options.timeoutMs !== undefined && !(options.timeoutMs > 0)) {
    throw new IncidentError(`timeoutMs must be a positive number of ms, not ${options.timeoutMs}`, {
      hint: "Give e.g. timeoutMs: 120_000 for two minutes, or leave it out for one minute.",
    });
  }
  const envToken = env("CASEFILE_ARM_TOKEN");
  let credential: TokenCredential, signIn: SignInKind;
  if (typeof options.credential === "object") {
    credential = options.credential;
    signIn = "custom";
  } else if (options.credential === undefined && envToken) {
    credential = {
      getToken: () =>
        Promise.resolve({ token: envToken, expiresOnTimestamp: Date.now() + 3_600_000 }),
    };
    signIn = "token";
  } else {
    const kind = options.credential ?? config.credential;
    credential = createCredential({ ...config, credential: kind }, {
      caCertificates: options.caCertificates,
    });
    signIn = kind;
  }
  const http = new ArmHttp({
    endpoint: options.endpoint ?? env("CASEFILE_ARM_ENDPOINT") ?? ARM_ENDPOINTS[config.cloud.name],
    audience: ARM_ENDPOINTS[config.cloud.name],
    credential,
    signIn,
    tenantId: config.tenantId,
    caCertificates: options.caCertificates,
    retries: options.retries,
    timeoutMs: options.timeoutMs,
  });
  return new IncidentClient(http, workspaceResource);
}

/** A workspace's incidents. Create with {@link openIncidents}. */
export class IncidentClient {
  /** The workspace's ARM id. */
  readonly workspaceResource: string;
  readonly #http: ArmHttp;
  readonly #base: string;

  /** Use {@link openIncidents}. */
  constructor(http: ArmHttp, workspaceResource: string) {
    this.#http = http;
    this.workspaceResource = workspaceResource;
    this.#base = `${workspaceResource}/providers/Microsoft.SecurityInsights`;
  }

  /**
   * Incidents, newest first (by creation time), as a frame.
   *
   * @throws {IncidentError} naming the role needed on a 403; {@link SentinelAuthError}.
   */
  async list(options: ListIncidentsOptions = {}): Promise<DataFrame> {
    checkOptions("incidents.list", options, LIST_OPTIONS);
    const clauses: string[] = [];
    const anyOf = (field: string, values?: string | string[]) => {
      const list = values === undefined ? [] : [values].flat();
      if (list.length === 1) clauses.push(`properties/${field} eq '${odata(list[0])}'`);
      if (list.length > 1) return list;
      return undefined;
    };
    const statuses = anyOf("status", options.status);
    const severities = anyOf("severity", options.severity);
    if (options.since) clauses.push(`properties/createdTimeUtc ge ${options.since.toISOString()}`);
    if (options.until) clauses.push(`properties/createdTimeUtc lt ${options.until.toISOString()}`);
    const limit = options.limit ?? 200;
    const query = new URLSearchParams({ "$orderby": "properties/createdTimeUtc desc" });
    query.set("$top", String(Math.min(limit, 50)));
    if (clauses.length) query.set("$filter", clauses.join(" and "));
    // Several values of one field are an `or`, which the filter above leaves to here: pages
    // are followed until `limit` incidents are kept, not merely read.
    const keep = (i: ArmObject) =>
      (!statuses || statuses.includes(i.properties.status)) &&
      (!severities || severities.includes(i.properties.severity));
    const kept: ArmObject[] = [];
    let next: string | undefined = `${this.#base}/incidents?${query}`;
    while (next && kept.length < limit) {
      const answer: { body: { value?: ArmObject[]; nextLink?: string } } = await this.#http
        .send("GET", next, "read");
      kept.push(...(answer.body?.value ?? []).filter(keep));
      next = answer.body?.nextLink;
    }
    return incidentsFrame(kept.slice(0, limit));
  }

  /**
   * Opens incident `id` (its name, a GUID) with its alerts, entities and comments.
   *
   * @throws {IncidentError} 404 for an unknown incident, 403 naming the role needed.
   */
  async open(id: string): Promise<OpenedIncident> {
    const path = `${this.#base}/incidents/${encodeURIComponent(id)}`;
    const incident = (await this.#http.send("GET", path, "read")).body as ArmObject;
    const [alerts, entities, comments] = await Promise.all([
      this.#http.send("POST", `${path}/alerts`, "read", {}),
      this.#http.send("POST", `${path}/entities`, "read", {}),
      this.#http.send("GET", `${path}/comments`, "read"),
    ]);
    const p = incident.properties;
    const entityList = (entities.body?.entities ?? []) as ArmObject[];
    return {
      id: incident.name,
      number: p.incidentNumber,
      title: p.title,
      severity: p.severity,
      status: p.status,
      etag: incident.etag,
      ...(p.firstActivityTimeUtc ? { firstActivity: new Date(p.firstActivityTimeUtc) } : {}),
      ...(p.lastActivityTimeUtc ? { lastActivity: new Date(p.lastActivityTimeUtc) } : {}),
      incident: incidentFrame(incident),
      alerts: alertsFrame(alerts.body?.value ?? []),
      entities: entitiesFrame(entityList),
      comments: commentsFrame(comments.body?.value ?? []),
      indicators: indicatorsOf(entityList),
    };
  }

  /**
   * Writes the session's findings back to incident `id`: a bookmark per step marked as a
   * finding (its KQL, row count and a few rows), a summary comment naming the report, a
   * watchlist of indicators, threat-intelligence indicators (those not written before),
   * then the status and classification (with the etag read, so
   * someone else's change is never overwritten). The session is not changed; the report
   * lists each item written.
   *
   * @throws {WriteBackError} when a write fails: its `items` say which were written, which
   *   failed and which were not attempted.
   */
  async writeBack(
    id: string,
    session: FindingsSession,
    options: WriteBackOptions = {},
  ): Promise<WriteBackReport> {
    checkOptions("incidents.writeBack", options, WRITE_OPTIONS);
    if (options.status === "Closed" && !options.classification) {
      throw new IncidentError("Closing an incident needs a classification", {
        hint: 'Add classification: "TruePositive" (or FalsePositive, BenignPositive, ' +
          "Undetermined).",
      });
    }
    const ti = options.threatIntel === true
      ? {}
      : options.threatIntel === false
      ? undefined
      : options.threatIntel;
    if (ti) checkOptions("incidents.writeBack threatIntel", ti, TI_OPTIONS);
    if (ti?.confidence !== undefined && !(ti.confidence >= 0 && ti.confidence <= 100)) {
      throw new IncidentError(`Confidence ${ti.confidence} is not between 0 and 100`, {
        hint: "Give threatIntel.confidence as a whole number from 0 to 100.",
      });
    }
    const incident = await this.#state(id, session, options.etag);
    const skipped: SkippedIndicator[] = [];
    let stix: StixIndicator[] = [];
    if (ti) {
      for (const indicator of indicatorsFrom(ti.indicators ?? sessionIndicators(session))) {
        const made = stixOf(indicator);
        if ("pattern" in made) stix.push(made);
        else skipped.push(made);
      }
      const seen = new Set<string>();
      stix = stix.filter((i) => !seen.has(i.pattern) && seen.add(i.pattern));
      if (stix.length > 0) {
        const before = await existingPatterns(this.#http, this.#base);
        for (const i of stix.filter((i) => before.has(i.pattern))) {
          skipped.push({ type: i.type, value: i.value, reason: "written before" });
        }
        stix = stix.filter((i) => !before.has(i.pattern));
      }
    }
    const watchlist = typeof options.watchlist === "string"
      ? { alias: options.watchlist }
      : options.watchlist;
    const plan = await planWrites({
      base: this.#base,
      incident,
      session,
      bookmarks: options.bookmarks ?? true,
      comment: options.comment ?? true,
      report: options.report,
      ...(watchlist
        ? {
          watchlist: {
            alias: watchlist.alias,
            indicators: watchlist.indicators ?? sessionIndicators(session),
          },
        }
        : {}),
      ...(ti
        ? {
          threatIntel: {
            indicators: stix,
            settings: {
              labels: ti.labels ?? ["casefile", session.name, `incident-${incident.name}`],
              confidence: Math.round(ti.confidence ?? 50),
              validFrom: dateOf(ti.validFrom, "validFrom") ?? new Date(),
              validUntil: dateOf(ti.validUntil, "validUntil"),
              threatTypes: ti.threatTypes ?? ["malicious-activity"],
              description: `From casefile session ${session.name}, incident ${incident.name}`,
            },
          },
        }
        : {}),
      status: options.status,
      classification: options.classification,
      classificationReason: options.classificationReason,
      classificationComment: options.classificationComment,
      sampleRows: options.sampleRows ?? 5,
    });
    const items = await runWrites(this.#http, plan);
    return { incident: incident.name, items, skipped };
  }

  /** Title, severity, status and etag: from the session's `incident` frame, else read now. */
  async #state(id: string, session: FindingsSession, etag?: string): Promise<IncidentState> {
    let frame: unknown;
    try {
      frame = session.value("incident");
    } catch {
      frame = undefined;
    }
    const row = isDataFrame(frame) ? frame.toRecords()[0] : undefined;
    if (row && String(row.IncidentName).toLowerCase() === id.toLowerCase()) {
      return {
        name: String(row.IncidentName),
        title: String(row.Title),
        severity: String(row.Severity),
        status: String(row.Status),
        etag: etag ?? (row.Etag ? String(row.Etag) : undefined),
      };
    }
    const path = `${this.#base}/incidents/${encodeURIComponent(id)}`;
    const incident = (await this.#http.send("GET", path, "read")).body as ArmObject;
    return {
      name: incident.name,
      title: incident.properties.title,
      severity: incident.properties.severity,
      status: incident.properties.status,
      etag: etag ?? incident.etag,
    };
  }
}

/**
 * Seeds `session` from an opened incident: parameters `incident`, `window` (first activity
 * − margin .. last activity + margin) and, when the incident has them, `accounts`, `hosts`,
 * `ips`, `hashes`, `urls`; then its frames as the variables `incident`, `alerts`,
 * `entities` and `comments` (the first step's code says where they came from).
 *
 * @example Seed a session from an incident read earlier
 * ```ts
 * import assert from "node:assert/strict";
 * import { seedSession } from "./mod.ts";
 * import { openSession } from "../../session/mod.ts";
 * import { pl } from "../../polars.ts";
 *
 * const home = await Deno.makeTempDir();
 * const session = await openSession("seeded", { home, cache: false });
 * const empty = pl.DataFrame({});
 * await seedSession(session, {
 *   id: "d1e91529-2e60-4a66-92c5-8a02ad2960e4", number: 1010, title: "Spray", severity: "High",
 *   status: "New", firstActivity: new Date("2026-03-11T02:10:00Z"),
 *   lastActivity: new Date("2026-03-12T02:18:55Z"),
 *   incident: empty, alerts: empty, entities: empty, comments: empty,
 *   indicators: { accounts: ["daniel.reyes@larkspurlogistics.example"], hosts: [],
 *     ips: ["203.0.113.45"], hashes: [], urls: [] },
 * });
 * const values = session.paramValues();
 * assert.deepEqual(values.ips, ["203.0.113.45"]);
 * assert.deepEqual(values.window, {
 *   start: new Date("2026-03-11T01:10:00Z"), end: new Date("2026-03-12T03:18:55Z"),
 * });
 * assert.deepEqual(session.steps().map((s) => s.record.name), [
 *   "incident", "alerts", "entities", "comments",
 * ]);
 * await session.close();
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function seedSession(
  session: SeedableSession,
  opened: OpenedIncident,
  options: SeedSessionOptions = {},
): Promise<void> {
  checkOptions("seedSession", options, SEED_OPTIONS);
  const margin = options.marginMs ?? 3_600_000;
  const params: Record<string, { kind: string; default?: unknown; description?: string }> = {
    incident: {
      kind: "string",
      default: opened.id,
      description: `Sentinel incident ${opened.number}: ${opened.title}`,
    },
  };
  if (opened.firstActivity && opened.lastActivity) {
    params.window = {
      kind: "timerange",
      default: {
        start: new Date(opened.firstActivity.getTime() - margin),
        end: new Date(opened.lastActivity.getTime() + margin),
      },
      description: "the incident's first to last activity, with a margin",
    };
  }
  const lists: [keyof IncidentIndicators, string][] = [
    ["accounts", "accounts of the incident's entities (UPNs)"],
    ["hosts", "hosts of the incident's entities"],
    ["ips", "IP addresses of the incident's entities"],
    ["hashes", "file hashes of the incident's entities"],
    ["urls", "URLs of the incident's entities"],
  ];
  for (const [name, description] of lists) {
    const values = opened.indicators[name];
    if (values.length > 0) params[name] = { kind: "strings", default: values, description };
  }
  await session.defineParams(params);
  const from = `await (await openIncidents({ workspaceResource: ${
    JSON.stringify(options.workspaceResource ?? "…")
  } })).open(${JSON.stringify(opened.id)})`;
  await session.record("incident", opened.incident, {
    code: `// Sentinel incident ${opened.number} (${opened.id}): ${opened.title}\n` +
      `const incident = (${from}).incident;`,
  });
  await session.record("alerts", opened.alerts, { code: `const alerts = (${from}).alerts;` });
  await session.record("entities", opened.entities, {
    code: `const entities = (${from}).entities;`,
  });
  await session.record("comments", opened.comments, {
    code: `const comments = (${from}).comments;`,
  });
}

/** A date option given as a Date, ISO text or epoch ms. */
function dateOf(value: Date | string | number | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new IncidentError(`threatIntel.${name} '${String(value)}' is not a date`, {
      hint: "Give a Date or ISO 8601 text, e.g. 2026-03-16T00:00:00Z.",
    });
  }
  return date;
}

/** The session's `ips`, `hashes` and `urls` parameters as watchlist indicators. */
function sessionIndicators(session: FindingsSession): Indicator[] {
  const values = session.paramValues();
  const out: Indicator[] = [];
  for (const [param, type] of [["ips", "ip"], ["hashes", "filehash"], ["urls", "url"]]) {
    const list = values[param];
    if (Array.isArray(list)) { for (const v of list) out.push({ type, value: String(v) }); }
  }
  return out;
}

function odata(text: string): string {
  return text.replace(/'/g, "''");
}
