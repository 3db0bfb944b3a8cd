/**
 * The twin's incidents, built from a case folder's SecurityIncident and SecurityAlert rows
 * (the demo case by default) in the shapes Azure Resource Manager gives them
 * (Microsoft.SecurityInsights 2024-03-01): incidents, their alerts (`SecurityAlert`
 * entities) and the entities of those alerts, with one entity per distinct account, host,
 * IP address, mailbox, file or URL.
 *
 * @module
 */
import { openLocalProvider } from "../../../src/providers/mod.ts";

/** An ARM resource: the envelope every Microsoft.SecurityInsights object comes in. */
export interface ArmResource {
  id: string;
  name: string;
  type: string;
  etag?: string;
  kind?: string;
  properties: Record<string, unknown>;
}

/** One incident with what hangs off it. */
export interface SeededIncident {
  incident: ArmResource;
  alerts: ArmResource[];
  entities: ArmResource[];
  comments: ArmResource[];
}

const ENTITY_TYPE = "Microsoft.SecurityInsights/Entities";

/** Reads the incidents of `data` under `workspacePath` (the workspace's ARM id). */
export async function seedIncidents(
  data: string,
  workspacePath: string,
): Promise<Map<string, SeededIncident>> {
  const provider = await openLocalProvider(data);
  const base = `${workspacePath}/providers/Microsoft.SecurityInsights`;
  const incidents = (await provider.query("SecurityIncident")).frame.toRecords();
  const alertRows = (await provider.query("SecurityAlert")).frame.toRecords();
  const alertsById = new Map(alertRows.map((a) => [String(a.SystemAlertId), a]));
  const out = new Map<string, SeededIncident>();
  for (const row of incidents) {
    const name = String(row.IncidentName);
    const alertIds = JSON.parse(String(row.AlertIds ?? "[]")) as string[];
    const alerts = alertIds.flatMap((id) => {
      const a = alertsById.get(id);
      return a ? [alertResource(base, a)] : [];
    });
    const entities = new Map<string, ArmResource>();
    for (const id of alertIds) {
      const a = alertsById.get(id);
      for (const raw of JSON.parse(String(a?.Entities ?? "[]")) as Record<string, unknown>[]) {
        const entity = entityResource(base, raw);
        if (entity) entities.set(`${entity.kind}:${entity.properties.friendlyName}`, entity);
      }
    }
    out.set(name, {
      incident: {
        id: `${base}/Incidents/${name}`,
        name,
        type: "Microsoft.SecurityInsights/Incidents",
        etag: `"${crypto.randomUUID()}"`,
        properties: {
          title: row.Title,
          description: row.Description,
          severity: row.Severity,
          status: row.Status,
          classification: row.Classification || undefined,
          classificationReason: row.ClassificationReason || undefined,
          classificationComment: row.ClassificationComment || undefined,
          incidentNumber: row.IncidentNumber,
          incidentUrl: row.IncidentUrl,
          providerName: row.ProviderName,
          providerIncidentId: row.ProviderIncidentId,
          createdTimeUtc: iso(row.CreatedTime),
          lastModifiedTimeUtc: iso(row.LastModifiedTime),
          firstActivityTimeUtc: iso(row.FirstActivityTime),
          lastActivityTimeUtc: iso(row.LastActivityTime),
          labels: JSON.parse(String(row.Labels || "[]")),
          owner: JSON.parse(String(row.Owner || "{}")),
          additionalData: JSON.parse(String(row.AdditionalData || "{}")),
          relatedAnalyticRuleIds: JSON.parse(String(row.RelatedAnalyticRuleIds || "[]")),
        },
      },
      alerts,
      entities: [...entities.values()],
      comments: [],
    });
  }
  return out;
}

function iso(value: unknown): string | undefined {
  return value instanceof Date ? value.toISOString() : undefined;
}

function alertResource(base: string, a: Record<string, unknown>): ArmResource {
  const name = String(a.SystemAlertId);
  return {
    id: `${base}/Entities/${name}`,
    name,
    type: ENTITY_TYPE,
    kind: "SecurityAlert",
    properties: {
      alertDisplayName: a.AlertName,
      friendlyName: a.AlertName,
      severity: a.AlertSeverity,
      status: a.Status,
      alertType: a.AlertType,
      productName: a.ProductName,
      productComponentName: a.ProviderName,
      compromisedEntity: a.CompromisedEntity,
      startTimeUtc: iso(a.StartTime),
      endTimeUtc: iso(a.EndTime),
      timeGenerated: iso(a.TimeGenerated),
      systemAlertId: name,
    },
  };
}

/** The ARM form of an alert's entity (`$id`/`Type` JSON), or undefined for kinds not kept. */
function entityResource(base: string, raw: Record<string, unknown>): ArmResource | undefined {
  const type = String(raw.Type ?? "").toLowerCase();
  let kind: string, properties: Record<string, unknown>;
  switch (type) {
    case "account": {
      const upn = raw.UPNSuffix ? `${raw.Name}@${raw.UPNSuffix}` : String(raw.Name);
      kind = "Account";
      properties = {
        accountName: raw.Name,
        upnSuffix: raw.UPNSuffix,
        aadUserId: raw.AadUserId,
        friendlyName: upn,
      };
      break;
    }
    case "ip":
      kind = "Ip";
      properties = { address: raw.Address, friendlyName: raw.Address };
      break;
    case "host":
      kind = "Host";
      properties = {
        hostName: raw.HostName,
        dnsDomain: raw.DnsDomain,
        osFamily: raw.OSFamily,
        friendlyName: raw.HostName,
      };
      break;
    case "mailbox":
      kind = "Mailbox";
      properties = {
        mailboxPrimaryAddress: raw.MailboxPrimaryAddress,
        friendlyName: raw.MailboxPrimaryAddress,
      };
      break;
    case "filehash":
      kind = "FileHash";
      properties = { algorithm: raw.Algorithm, hashValue: raw.Value, friendlyName: raw.Value };
      break;
    case "url":
      kind = "Url";
      properties = { url: raw.Url, friendlyName: raw.Url };
      break;
    case "file":
      kind = "File";
      properties = { fileName: raw.Name, directory: raw.Directory, friendlyName: raw.Name };
      break;
    default:
      return undefined;
  }
  const name = crypto.randomUUID();
  return { id: `${base}/Entities/${name}`, name, type: ENTITY_TYPE, kind, properties };
}
