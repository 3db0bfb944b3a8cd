/**
 * The columns a real Log Analytics workspace fills on every row whatever the story says:
 * `_ResourceId` and `_SubscriptionId` for rows from a machine (the demo's servers and
 * workstations are Azure Arc-enabled, so their resource is a `Microsoft.HybridCompute`
 * machine), and Heartbeat's resource columns. Tables keep every other column the story
 * leaves empty as null, as Sentinel does.
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
