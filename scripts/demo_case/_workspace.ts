/**
 * The columns a real Log Analytics workspace fills on every row whatever the story says:
 * `_ResourceId` and `_SubscriptionId` for rows from a machine (the demo's servers and
 * workstations are Azure Arc-enabled, so their resource is a `Microsoft.HybridCompute`
 * machine), Heartbeat's resource columns, and SecurityEvent's `EventData` (the event's
 * fields as XML). Tables keep every other column the story leaves empty as null, as
 * Sentinel does.
 *
 * @module
 */
import { ORG } from "./_org.ts";
import type { Row } from "./_table.ts";

/** The resource group the Arc-enabled machines are registered in. */
const MACHINE_GROUP = "rg-larkspur-servers";

/** Tables whose rows come from a machine agent and name it in `Computer`. */
const MACHINE_TABLES: ReadonlySet<string> = new Set([
  "SecurityEvent",
  "Syslog",
  "DnsEvents",
  "CommonSecurityLog",
  "Heartbeat",
  "Event",
]);

const resourceIds = new Map<string, string>();

/** The Arc machine resource id of a computer (`host.domain` or `host`). */
export function machineResourceId(computer: string): string {
  let id = resourceIds.get(computer);
  if (id === undefined) {
    id = `/subscriptions/${ORG.subscriptionId}/resourceGroups/${MACHINE_GROUP}` +
      `/providers/Microsoft.HybridCompute/machines/${computer.split(".")[0]}`;
    resourceIds.set(computer, id);
  }
  return id;
}

/**
 * SecurityEvent columns that are the agent's own (or derived from the event's fields), not
 * fields of the Windows event: everything else a row sets is one of the event's
 * `<Data Name=...>` fields, in the schema's order.
 */
const NOT_EVENT_DATA: ReadonlySet<string> = new Set([
  "TimeGenerated",
  "SourceSystem",
  "Computer",
  "EventSourceName",
  "Channel",
  "Task",
  "EventID",
  "Activity",
  "Account",
  "AccountType",
  "LogonTypeName",
  "SubjectAccount",
  "TargetAccount",
  "Process",
  "_ResourceId",
  "_SubscriptionId",
]);

/**
 * The high-volume events (logon, logoff, special privileges, process start, service ticket:
 * 95% of the table) keep EventData empty. Every field of theirs is in a column, and their XML
 * would double the committed case's size past its 15 MB budget. The rarer events carry it.
 */
const BULK_EVENTS: ReadonlySet<number> = new Set([4624, 4634, 4672, 4688, 4769]);

function xmlText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** The Security log event's fields as the agent stores them in `EventData`. */
export function securityEventData(row: Row): string {
  let data = "";
  for (const key in row) {
    const value = row[key];
    if (value === null || value === undefined || NOT_EVENT_DATA.has(key)) continue;
    data += `<Data Name="${key}">${xmlText(String(value))}</Data>`;
  }
  return `<EventData xmlns="http://schemas.microsoft.com/win/2004/08/events/event">${data}</EventData>`;
}

/**
 * Returns how rows of `table` get their workspace columns, or null when the table has none
 * to add. Values the generator already set win.
 */
export function workspaceFill(table: string): ((row: Row) => Row) | null {
  if (!MACHINE_TABLES.has(table)) return null;
  const heartbeat = table === "Heartbeat";
  return (row) => {
    const computer = row.Computer;
    if (typeof computer !== "string") return row;
    const machine = computer.split(".")[0];
    const filled: Record<string, Row[string]> = {
      _ResourceId: machineResourceId(computer),
      _SubscriptionId: ORG.subscriptionId,
    };
    if (table === "SecurityEvent" && !BULK_EVENTS.has(row.EventID as number)) {
      filled.EventData = securityEventData(row);
    }
    if (heartbeat) {
      Object.assign(filled, {
        Resource: machine,
        ResourceGroup: MACHINE_GROUP,
        ResourceId: filled._ResourceId,
        ResourceProvider: "Microsoft.HybridCompute",
        ResourceType: "machines",
        SubscriptionId: ORG.subscriptionId,
      });
    }
    return { ...filled, ...row };
  };
}
