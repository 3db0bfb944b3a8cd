/**
 * Writing a session's findings back to a Sentinel incident: the plan (bookmarks from the
 * steps marked as findings, a summary comment, a watchlist of indicators, threat-intelligence
 * indicators, the incident's status and classification), then its items written in order. The first failure stops
 * it; the report says, per item, what was written and what was not. Ids are derived from
 * the incident, session and step, so writing again replaces rather than doubles.
 *
 * @module
 */
import { redactValue } from "../../_secrets.ts";
import { isDataFrame } from "../../polars.ts";
import { IncidentError, WriteBackError, type WriteBackItem } from "./_errors.ts";
import type { ArmAction, ArmHttp } from "./_incident_http.ts";
import { createIndicatorBody, type StixIndicator, type TiSettings } from "./_incident_ti.ts";

/** The part of a casefile session a write-back reads (a `Session` is one). */
export interface FindingsSession {
  /** The session's name. */
  readonly name: string;
  /** Its steps, with their marks and notes. */
  steps(): readonly {
    readonly record: {
      readonly position: number;
      readonly name: string;
      readonly kind: string;
      readonly code: string;
      readonly status: string;
      readonly result?: { readonly kind: string; readonly rows?: number };
      /** The named provider a query ran on (`%kql @adx ...`), when not the default. */
      readonly providerName?: string;
    };
    readonly mark: string;
    readonly note?: string;
  }[];
  /** A step's value. */
  value(ref: number | string): unknown;
  /** The parameters' values. */
  paramValues(): Record<string, unknown>;
}

/** One write of the plan. */
export interface PlannedWrite {
  readonly kind: WriteBackItem["kind"];
  readonly name: string;
  readonly method: "PUT" | "POST";
  readonly path: string;
  readonly action: ArmAction;
  readonly body: unknown;
}

/** The incident's current title, severity, status and etag (what a PUT must carry). */
export interface IncidentState {
  readonly name: string;
  readonly title: string;
  readonly severity: string;
  readonly status: string;
  readonly etag?: string;
}

/** What to write (see `WriteBackOptions` in incidents.ts). */
export interface WritePlanInput {
  readonly base: string;
  readonly incident: IncidentState;
  readonly session: FindingsSession;
  readonly bookmarks: boolean;
  readonly comment: boolean | string;
  readonly report?: string;
  readonly watchlist?: { readonly alias: string; readonly indicators: readonly Indicator[] };
  /** Threat-intelligence indicators to create (those not written before), and their settings. */
  readonly threatIntel?: {
    readonly indicators: readonly StixIndicator[];
    readonly settings: TiSettings;
  };
  readonly status?: string;
  readonly classification?: string;
  readonly classificationReason?: string;
  readonly classificationComment?: string;
  readonly sampleRows: number;
}

/** An indicator of a watchlist. */
export interface Indicator {
  /** `ip`, `filehash`, `url`, `account`, ... */
  readonly type: string;
  /** The indicator itself. */
  readonly value: string;
}

/**
 * Where a query of another provider ran: the bookmark's query is that provider's KQL (its
 * tables), not the workspace's, so whoever re-runs it must know where.
 */
function ranOn(providerName: string | undefined): string {
  return providerName ? `, run on casefile's @${providerName} provider, not on this workspace` : "";
}

/**
 * The writes, in order: bookmarks, the comment, the watchlist and its items, the
 * threat-intelligence indicators, the incident.
 */
export async function planWrites(input: WritePlanInput): Promise<PlannedWrite[]> {
  const { base, incident, session } = input;
  const writes: PlannedWrite[] = [];
  const findings = session.steps().filter((s) => s.mark === "finding" && s.record.status === "ok");
  const window = session.paramValues().window as { start?: Date; end?: Date } | undefined;
  if (input.bookmarks) {
    for (const step of findings) {
      const r = step.record;
      const id = await stableId(incident.name, session.name, "bookmark", String(r.position));
      const value = session.value(r.position);
      const sample = isDataFrame(value) ? value.head(input.sampleRows).toRecords() : undefined;
      const displayName = `${step.note || r.name} (${session.name} step ${r.position})`;
      writes.push({
        kind: "bookmark",
        name: displayName,
        method: "PUT",
        path: `${base}/bookmarks/${id}`,
        action: "contribute",
        body: {
          properties: {
            displayName,
            query: r.kind === "query" ? r.code : `// casefile ${r.kind} step\n${r.code}`,
            queryResult: JSON.stringify({ rows: r.result?.rows, sample }, jsonDates),
            notes: (`${step.note ?? ""}\n\nFrom casefile session ${session.name}, step ` +
              `${r.position} (${r.name})${ranOn(r.providerName)}.`).trim(),
            labels: ["casefile", session.name],
            ...(window?.start ? { queryStartTime: window.start.toISOString() } : {}),
            ...(window?.end ? { queryEndTime: window.end.toISOString() } : {}),
            incidentInfo: {
              incidentId: incident.name,
              title: incident.title,
              severity: incident.severity,
              relationName: `casefile-${id}`,
            },
          },
        },
      });
    }
  }
  if (input.comment !== false) {
    const message = typeof input.comment === "string"
      ? input.comment
      : summary(session, findings, input.report);
    const id = await stableId(incident.name, session.name, "comment");
    writes.push({
      kind: "comment",
      name: `summary of ${session.name}`,
      method: "PUT",
      path: `${base}/incidents/${incident.name}/comments/${id}`,
      action: "respond",
      body: { properties: { message } },
    });
  }
  if (input.watchlist) {
    const { alias, indicators } = input.watchlist;
    // The alias is the user's text and a path segment: `/`, `?` or `#` must not end it.
    const segment = encodeURIComponent(alias);
    writes.push({
      kind: "watchlist",
      name: alias,
      method: "PUT",
      path: `${base}/watchlists/${segment}`,
      action: "contribute",
      body: {
        properties: {
          displayName: alias,
          provider: "casefile",
          source: "casefile",
          itemsSearchKey: "Indicator",
          description: `Indicators of incident ${incident.name} (casefile session ${session.name})`,
        },
      },
    });
    for (const indicator of indicators) {
      const id = await stableId(alias, indicator.type, indicator.value);
      writes.push({
        kind: "watchlist-item",
        name: `${indicator.type} ${indicator.value}`,
        method: "PUT",
        path: `${base}/watchlists/${segment}/watchlistItems/${id}`,
        action: "contribute",
        body: {
          properties: {
            itemsKeyValue: {
              Indicator: indicator.value,
              Type: indicator.type,
              Incident: incident.name,
              Session: session.name,
            },
          },
        },
      });
    }
  }
  for (const indicator of input.threatIntel?.indicators ?? []) {
    // createIndicator makes a new indicator each time: writing again is kept from doubling
    // by leaving out the patterns already there (see existingPatterns).
    writes.push({
      kind: "indicator",
      name: indicator.pattern,
      method: "POST",
      path: `${base}/threatIntelligence/main/createIndicator`,
      action: "contribute",
      body: createIndicatorBody(indicator, input.threatIntel!.settings),
    });
  }
  if (input.status || input.classification) {
    const status = input.status ?? incident.status;
    writes.push({
      kind: "incident",
      name: `${incident.name} → ${status}${input.classification ? `/${input.classification}` : ""}`,
      method: "PUT",
      path: `${base}/incidents/${incident.name}`,
      action: "respond",
      body: {
        ...(incident.etag ? { etag: incident.etag } : {}),
        properties: {
          title: incident.title,
          severity: incident.severity,
          status,
          ...(input.classification ? { classification: input.classification } : {}),
          ...(input.classificationReason
            ? { classificationReason: input.classificationReason }
            : {}),
          ...(input.classificationComment
            ? { classificationComment: input.classificationComment }
            : {}),
        },
      },
    });
  }
  // Nothing a session holds as a secret (API keys, tokens) leaves with the findings.
  return writes.map((w) => ({ ...w, body: redactValue(w.body) }));
}

/** Writes `plan` in order; the first failure stops it with a {@link WriteBackError}. */
export async function runWrites(
  http: ArmHttp,
  plan: readonly PlannedWrite[],
): Promise<WriteBackItem[]> {
  const items: WriteBackItem[] = plan.map((w) => ({
    kind: w.kind,
    name: w.name,
    status: "not-attempted",
  }));
  for (const [i, write] of plan.entries()) {
    try {
      const answer = await http.send(write.method, write.path, write.action, write.body);
      items[i] = { ...items[i], status: "written", id: answer.body?.id };
    } catch (error) {
      items[i] = { ...items[i], status: "failed", error: (error as Error).message };
      const cause = error instanceof IncidentError
        ? error
        : new IncidentError((error as Error).message, {
          cause: error,
          hint: (error as { hint?: string }).hint,
          status: (error as { status?: number }).status,
        });
      throw new WriteBackError(items, cause);
    }
  }
  return items;
}

function summary(
  session: FindingsSession,
  findings: ReturnType<FindingsSession["steps"]>,
  report?: string,
): string {
  const lines = [`casefile session ${session.name}: ${findings.length} finding(s).`];
  for (const f of findings) {
    const rows = f.record.result?.rows;
    lines.push(
      `- ${f.note || f.record.name} (step ${f.record.position}${
        f.record.providerName ? ` on @${f.record.providerName}` : ""
      }${rows === undefined ? "" : `, ${rows} rows`})`,
    );
  }
  if (report) lines.push(`Report: ${report}`);
  return lines.join("\n");
}

function jsonDates(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? Number(value) : value;
}

/** A GUID from the SHA-256 of `parts` (same parts, same id). */
async function stableId(...parts: string[]): Promise<string> {
  const bytes = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(parts.join("\u0000"))),
  );
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20, 32)
  }`;
}
