/**
 * AADServicePrincipalSignInLogs: the token requests of the tenant's two automation service
 * principals, matching their Azure activity (`_benign_cloud.ts`): lks-infra-automation starts
 * and stops the dev VMs at 06:00 and 20:00 on weekdays, lks-backup-automation lists the backup
 * storage keys at 01:00 every day, both from the hybrid worker behind the London office's address.
 * Each signs in with its client secret (ServicePrincipalCredentialKeyId): the backup app's
 * changes to the new one after the routine rotation of 10 March (`_cloud_lookalikes.ts`), and
 * the second incident's attacker uses the secret they added to lks-infra-automation, from
 * 203.0.113.132, just before creating the GPU VMs (`_cloud_attack.ts`).
 *
 * @module
 */
import { AUTOMATION } from "./_benign_cloud.ts";
import { CLOUD_ANSWER_KEY, CLOUD_TIMES } from "./_cloud_attack.ts";
import { DAY, DAYS, HOUR, isWeekend, MINUTE, SECOND, START } from "./_clock.ts";
import { PLACES } from "./_geo.ts";
import { locationDetails } from "./_identity.ts";
import { ORG } from "./_org.ts";
import { Prng } from "./_prng.ts";
import type { Row } from "./_table.ts";

const ARM = {
  name: "Windows Azure Service Management API",
  id: "797f4846-ba00-4fd7-ba43-dac1f8f63013",
  servicePrincipal: "1f4c6e2a-8b3d-4d70-9a51-6e2c0b7f3d18",
};
const BACKUP = {
  name: "lks-backup-automation",
  appId: "6b2f9e4a-1d7c-4a38-8e05-c3f1a9d7b264",
  servicePrincipalId: "5e3b8d1c-4a7f-4c26-9e80-2d6b1f9a3c57",
};
const INFRA_NAME = CLOUD_ANSWER_KEY.servicePrincipalSecret.targetApp;

/** The key id in an AuditLogs row's KeyDescription whose DisplayName is `name`. */
function keyId(rows: readonly Row[], name: string): string {
  for (const row of rows) {
    const m = new RegExp(`KeyIdentifier=([0-9a-f-]{36}),[^\\]]*DisplayName=${name}\\]`)
      .exec(String(row.TargetResources));
    if (m) return m[1];
  }
  throw new RangeError(`No AuditLogs row names the secret ${name}`);
}

/**
 * The sign-ins, given the AuditLogs rows of both incidents' generators (for the key ids the
 * secret changes name).
 */
export function servicePrincipalSignins(seed: string, audits: readonly Row[]): Row[] {
  const rng = new Prng(`${seed}/sp-signins`);
  const infraKey = rng.guid(); // created long before the case window
  const attackerKey = keyId(audits, CLOUD_ANSWER_KEY.servicePrincipalSecret.keyDisplayName);
  const backupOld = keyId(audits, "2025-Q4");
  const backupNew = keyId(audits, "2026-Q1");
  const rotation = Date.parse(CLOUD_ANSWER_KEY.lookalikes.secret.time) * 1000;
  const rows: Row[] = [];
  const signin = (
    time: number,
    app: { name: string; appId: string; servicePrincipalId: string },
    key: string,
    ip: string,
    attacker: boolean,
  ) => {
    const id = rng.guid();
    rows.push({
      TimeGenerated: time,
      SourceSystem: "Azure AD",
      OperationName: "Sign-in activity",
      OperationVersion: "1.0",
      Category: "ServicePrincipalSignInLogs",
      ResultType: "0",
      ResultSignature: "SUCCESS",
      ResultDescription: "",
      DurationMs: 0,
      CorrelationId: rng.guid(),
      ResourceGroup: "Microsoft.aadiam",
      Identity: app.name,
      Level: "4",
      Location: attacker ? "US" : "GB",
      AppId: app.appId,
      ServicePrincipalId: app.servicePrincipalId,
      ServicePrincipalName: app.name,
      ServicePrincipalCredentialKeyId: key,
      ServicePrincipalCredentialThumbprint: "",
      FederatedCredentialId: "",
      IPAddress: ip,
      LocationDetails: locationDetails(
        attacker ? { ...PLACES.chicago, city: "Ashburn", state: "Virginia" } : PLACES.london,
      ),
      ResourceDisplayName: ARM.name,
      ResourceIdentity: ARM.id,
      ResourceServicePrincipalId: ARM.servicePrincipal,
      ConditionalAccessStatus: "notApplied",
      ConditionalAccessPolicies: "[]",
      AuthenticationContextClassReferences: "[]",
      AuthenticationProcessingDetails: '[{"key":"Azure AD App Authentication Library",' +
        '"value":"Family: MSAL Library: MSAL.Python 1.26.0 Platform: Python"}]',
      Id: id,
      UniqueTokenIdentifier: rng.hex(22),
    });
  };
  const infra = { name: INFRA_NAME, ...AUTOMATION };
  for (let day = 0; day < DAYS; day++) {
    const dayStart = START + day * DAY;
    const backupAt = dayStart + 1 * HOUR - (2 + rng.int(3)) * MINUTE + rng.int(60) * SECOND;
    signin(backupAt, BACKUP, backupAt < rotation ? backupOld : backupNew, ORG.egress.london, false);
    if (isWeekend(day)) continue;
    for (const hour of [6, 20]) {
      const t = dayStart + hour * HOUR - (2 + rng.int(3)) * MINUTE + rng.int(60) * SECOND;
      signin(t, infra, infraKey, AUTOMATION.ip, false);
    }
  }
  // The attacker, with the new secret, just before the resource group is created.
  signin(
    CLOUD_TIMES.resourceGroup - 38 * SECOND,
    infra,
    attackerKey,
    CLOUD_ANSWER_KEY.attacker.ip,
    true,
  );
  return rows;
}
