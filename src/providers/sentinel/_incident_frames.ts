/**
 * An incident read from Azure Resource Manager as casefile sees it: frames of the incident,
 * its alerts, entities and comments (typed columns, even when empty), and what the
 * session's parameters are seeded with (time window, accounts, hosts, IPs, hashes, URLs).
 *
 * @module
 */
import { type DataFrame, DATETIME, pl } from "../../polars.ts";

/** An ARM object: id, name, type, etag, kind and properties. */
export interface ArmObject {
  readonly id: string;
  readonly name: string;
  readonly type?: string;
  readonly etag?: string;
  readonly kind?: string;
  // deno-lint-ignore no-explicit-any
  readonly properties: Record<string, any>;
}

type ColumnKind = "string" | "datetime" | "int";

/** A frame with the columns `columns` in that order and types, from `rows`. */
export function frameOf(
  columns: Readonly<Record<string, ColumnKind>>,
  rows: readonly Record<string, unknown>[],
): DataFrame {
  const series = Object.entries(columns).map(([name, kind]) => {
    const values = rows.map((r) => r[name] ?? null);
    switch (kind) {
      case "string":
        return pl.Series(name, values.map((v) => v === null ? null : String(v)), pl.Utf8);
      case "int":
        return pl.Series(name, values.map((v) => v === null ? null : Number(v)), pl.Int64);
      case "datetime":
        return pl.Series(
          name,
          values.map((v) => v === null ? null : new Date(String(v))),
          pl.Datetime("ms"),
        ).cast(DATETIME);
    }
  });
  return pl.DataFrame(series);
}

const INCIDENT_COLUMNS = {
  IncidentName: "string",
  IncidentNumber: "int",
  Title: "string",
  Severity: "string",
  Status: "string",
  Classification: "string",
  Owner: "string",
  CreatedTime: "datetime",
  FirstActivityTime: "datetime",
  LastActivityTime: "datetime",
  LastModifiedTime: "datetime",
  AlertsCount: "int",
  IncidentUrl: "string",
  Etag: "string",
  Id: "string",
} as const;

/** The incident as a one-row frame. */
export function incidentFrame(incident: ArmObject): DataFrame {
  return incidentsFrame([incident]);
}

/** Incidents as a frame, a row each. */
export function incidentsFrame(incidents: readonly ArmObject[]): DataFrame {
  return frameOf(
    INCIDENT_COLUMNS,
    incidents.map(({ id, name, etag, properties: p }) => ({
      IncidentName: name,
      IncidentNumber: p.incidentNumber,
      Title: p.title,
      Severity: p.severity,
      Status: p.status,
      Classification: p.classification,
      Owner: p.owner?.userPrincipalName ?? p.owner?.assignedTo,
      CreatedTime: p.createdTimeUtc,
      FirstActivityTime: p.firstActivityTimeUtc,
      LastActivityTime: p.lastActivityTimeUtc,
      LastModifiedTime: p.lastModifiedTimeUtc,
      AlertsCount: p.additionalData?.alertsCount,
      IncidentUrl: p.incidentUrl,
      Etag: etag,
      Id: id,
    })),
  );
}

/** The incident's alerts. */
export function alertsFrame(alerts: readonly ArmObject[]): DataFrame {
  return frameOf(
    {
      SystemAlertId: "string",
      AlertName: "string",
      Severity: "string",
      Status: "string",
      ProductName: "string",
      CompromisedEntity: "string",
      StartTime: "datetime",
      EndTime: "datetime",
      TimeGenerated: "datetime",
    },
    alerts.map(({ name, properties: p }) => ({
      SystemAlertId: p.systemAlertId ?? name,
      AlertName: p.alertDisplayName,
      Severity: p.severity,
      Status: p.status,
      ProductName: p.productName,
      CompromisedEntity: p.compromisedEntity,
      StartTime: p.startTimeUtc,
      EndTime: p.endTimeUtc,
      TimeGenerated: p.timeGenerated,
    })),
  );
}

/** The incident's entities: kind, the value a query would match on, and all properties as JSON. */
export function entitiesFrame(entities: readonly ArmObject[]): DataFrame {
  return frameOf(
    { Kind: "string", Value: "string", FriendlyName: "string", Properties: "string" },
    entities.map((e) => ({
      Kind: e.kind,
      Value: entityValue(e),
      FriendlyName: e.properties.friendlyName,
      Properties: JSON.stringify(e.properties),
    })),
  );
}

/** The incident's comments. */
export function commentsFrame(comments: readonly ArmObject[]): DataFrame {
  return frameOf(
    { CommentId: "string", Message: "string", Author: "string", CreatedTime: "datetime" },
    comments.map(({ name, properties: p }) => ({
      CommentId: name,
      Message: p.message,
      Author: p.author?.userPrincipalName ?? p.author?.name ?? p.author?.email,
      CreatedTime: p.createdTimeUtc,
    })),
  );
}

/** The value queries match an entity on: a UPN, a host name, an address, a hash, a URL. */
export function entityValue(entity: ArmObject): string | undefined {
  const p = entity.properties;
  switch (entity.kind) {
    case "Account":
      return p.upnSuffix ? `${p.accountName}@${p.upnSuffix}` : p.accountName ?? p.friendlyName;
    case "Host":
      return p.hostName ?? p.friendlyName;
    case "Ip":
      return p.address;
    case "FileHash":
      return p.hashValue;
    case "Url":
      return p.url;
    case "Mailbox":
      return p.mailboxPrimaryAddress;
    case "File":
      return p.fileName;
    default:
      return p.friendlyName;
  }
}

/** What a session is seeded with from an incident. */
export interface IncidentIndicators {
  /** Accounts as UPNs (or names, without a UPN suffix). */
  readonly accounts: string[];
  /** Host names. */
  readonly hosts: string[];
  /** IP addresses. */
  readonly ips: string[];
  /** File hashes. */
  readonly hashes: string[];
  /** URLs. */
  readonly urls: string[];
}

/** The distinct accounts, hosts, IPs, hashes and URLs of `entities`, in first-seen order. */
export function indicatorsOf(entities: readonly ArmObject[]): IncidentIndicators {
  const pick = (kind: string) => [
    ...new Set(
      entities.filter((e) => e.kind === kind).map(entityValue).filter(
        (v): v is string => typeof v === "string" && v !== "",
      ),
    ),
  ];
  return {
    accounts: pick("Account"),
    hosts: pick("Host"),
    ips: pick("Ip"),
    hashes: pick("FileHash"),
    urls: pick("Url"),
  };
}
