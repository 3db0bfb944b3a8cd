/**
 * SecurityIncident: Sentinel's incidents over the SecurityAlert rows. Each story's alerts
 * are correlated into one incident (as Defender XDR's correlation does); every other alert
 * gets an incident of its own, which the SOC closed as a benign positive the next morning.
 * The two stories' incidents are still open.
 *
 * @module
 */
import { DAY, END, HOUR, MINUTE } from "./_clock.ts";
import { ORG } from "./_org.ts";
import { Prng } from "./_prng.ts";
import type { Row } from "./_table.ts";

/** A group of alerts that makes one incident. */
export interface AlertGroup {
  /** Incident title; null for a single benign alert (its alert name is used). */
  readonly title: string | null;
  readonly alerts: readonly Row[];
}

const SEVERITIES = ["Informational", "Low", "Medium", "High"];

/** The SecurityIncident rows for `groups`, numbered in order of their first alert. */
export function incidentRows(groups: readonly AlertGroup[], seed: string): Row[] {
  const rng = new Prng(`${seed}/incidents`);
  const sorted = groups.slice().sort((a, b) => first(a) - first(b));
  return sorted.map((group, i) => {
    const alerts = group.alerts.slice().sort((a, b) =>
      (a.TimeGenerated as number) - (b.TimeGenerated as number)
    );
    const number = 1001 + i;
    const name = rng.guid();
    const created = (alerts[0].TimeGenerated as number) + 2 * MINUTE;
    const story = group.title !== null;
    // Benign alerts are closed the next morning, unless that is after the case ends.
    const triaged = created + DAY - (created % DAY) + 9 * HOUR + rng.int(120) * MINUTE;
    const closed = story || triaged >= END ? null : triaged;
    const severity = SEVERITIES[
      Math.max(...alerts.map((a) => SEVERITIES.indexOf(a.AlertSeverity as string)))
    ];
    const last = Math.max(...alerts.map((a) => a.TimeGenerated as number));
    return {
      TimeGenerated: closed ?? last + 2 * MINUTE,
      IncidentName: name,
      IncidentNumber: number,
      Title: group.title ?? (alerts[0].AlertName as string),
      Description: story ? "Alerts correlated by shared entities." : alerts[0].Description,
      Severity: severity,
      Status: closed !== null ? "Closed" : story ? "New" : "Active",
      Classification: closed === null ? undefined : "BenignPositive",
      ClassificationReason: closed === null ? undefined : "SuspiciousButExpected",
      ClassificationComment: closed === null
        ? undefined
        : "Checked with the owner: expected activity.",
      Owner: JSON.stringify(
        closed === null
          ? { objectId: null, email: null, assignedTo: null, userPrincipalName: null }
          : {
            objectId: "3f9b2c1e-6a4d-4f87-b2e0-9c5d1a7e3b42",
            email: `soc.analyst@${ORG.domain}`,
            assignedTo: "SOC Analyst",
            userPrincipalName: `soc.analyst@${ORG.domain}`,
          },
      ),
      ProviderName: "Azure Sentinel",
      ProviderIncidentId: String(number),
      FirstActivityTime: Math.min(...alerts.map((a) => a.StartTime as number)),
      LastActivityTime: Math.max(...alerts.map((a) => a.EndTime as number)),
      CreatedTime: created,
      FirstModifiedTime: created,
      LastModifiedTime: closed ?? last + 2 * MINUTE,
      ClosedTime: closed ?? undefined,
      ModifiedBy: closed === null ? "Incident created from alert" : "SOC Analyst",
      AlertIds: JSON.stringify(alerts.map((a) => a.SystemAlertId)),
      BookmarkIds: "[]",
      Comments: "[]",
      Tasks: "[]",
      Labels: "[]",
      RelatedAnalyticRuleIds: "[]",
      AdditionalData: JSON.stringify({
        alertsCount: alerts.length,
        bookmarksCount: 0,
        commentsCount: 0,
        alertProductNames: [...new Set(alerts.map((a) => a.ProductName))],
        tactics: [...new Set(alerts.flatMap((a) => String(a.Tactics).split(", ")))],
      }),
      IncidentUrl: `https://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident` +
        `/subscriptions/${ORG.subscriptionId}/resourceGroups/${ORG.resourceGroup}/providers/` +
        `Microsoft.OperationalInsights/workspaces/${ORG.workspaceName}/providers/` +
        `Microsoft.SecurityInsights/Incidents/${name}`,
      SourceSystem: "Azure",
    };
  });
}

function first(g: AlertGroup): number {
  return Math.min(...g.alerts.map((a) => a.TimeGenerated as number));
}
