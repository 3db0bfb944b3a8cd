/**
 * The AuditLogs rows of an OAuth app consent as Entra ID writes them: the app's service
 * principal added, the delegated permission grant, and "Consent to application" with its
 * consent context, all within a second and under one correlation id.
 *
 * @module
 */
import { SECOND } from "./_clock.ts";
import { auditRow, byUser } from "./_identity.ts";
import type { User } from "./_org.ts";
import type { Prng } from "./_prng.ts";
import type { Row } from "./_table.ts";

/** The browser the company's staff use (Edge on Windows). */
export const EDGE_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
  "Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.80";

/**
 * The three rows of `by`'s admin consent (from `ip`, at `time`) to `app` for `permissions`,
 * for the whole organisation.
 */
export function consentAuditRows(
  rng: Prng,
  time: number,
  by: User,
  ip: string,
  app: { name: string; appId: string; sp: string },
  permissions: string,
): Row[] {
  const rows: Row[] = [];
  const correlationId = rng.guid();
  const target = (modified: { displayName: string; oldValue: string; newValue: string }[]) => ({
    id: app.sp,
    type: "ServicePrincipal" as const,
    name: app.name,
    upn: null,
    modified,
  });
  const common = {
    category: "ApplicationManagement",
    service: "Core Directory",
    initiatedBy: byUser(by, ip),
    correlationId,
  };
  rows.push(
    auditRow({
      ...common,
      time: time - 1 * SECOND,
      activity: "Add service principal",
      operationType: "Add",
      target: target([{ displayName: "AppId", oldValue: "[]", newValue: `["${app.appId}"]` }]),
      details: [["AppId", app.appId], ["User-Agent", EDGE_UA]],
      idSuffix: rng.hex(8).toUpperCase(),
    }),
  );
  rows.push(
    auditRow({
      ...common,
      time: time - 400_000,
      activity: "Add delegated permission grant",
      operationType: "Assign",
      target: target([{
        displayName: "DelegatedPermissionGrant.Scope",
        oldValue: "",
        newValue: `"${permissions}"`,
      }, {
        displayName: "DelegatedPermissionGrant.ConsentType",
        oldValue: "",
        newValue: '"AllPrincipals"',
      }]),
      details: [["User-Agent", EDGE_UA]],
      idSuffix: rng.hex(8).toUpperCase(),
    }),
  );
  rows.push(
    auditRow({
      ...common,
      time,
      activity: "Consent to application",
      operationType: "Assign",
      target: target([
        { displayName: "ConsentContext.IsAdminConsent", oldValue: "", newValue: '"True"' },
        { displayName: "ConsentContext.IsAppOnly", oldValue: "", newValue: '"False"' },
        { displayName: "ConsentContext.OnBehalfOfAll", oldValue: "", newValue: '"True"' },
        {
          displayName: "ConsentAction.Permissions",
          oldValue: "",
          newValue: `"[] => [[Id: ${rng.guid()}, ClientId: ${app.sp}, PrincipalId: , ` +
            `ResourceId: ${rng.guid()}, ConsentType: AllPrincipals, Scope: ${permissions}, ]]; "`,
        },
      ]),
      details: [["User-Agent", EDGE_UA], ["AppId", app.appId]],
      idSuffix: rng.hex(8).toUpperCase(),
    }),
  );
  return rows;
}
