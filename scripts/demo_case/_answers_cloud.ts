/**
 * The parts of ANSWERS.md about the second (cloud) incident, rendered from
 * `CLOUD_ANSWER_KEY`, and about where the first intrusion shows in the tables added with
 * it (`FIRST_INCIDENT_TRACES`).
 *
 * @module
 */
import { ANSWER_KEY } from "./_attack.ts";
import { CLOUD_ANSWER_KEY } from "./_cloud_attack.ts";
import { FIRST_INCIDENT_TRACES } from "./_traces.ts";

const K = CLOUD_ANSWER_KEY;

function kql(query: string): string {
  return "```kql\n" + query.trim() + "\n```";
}

/** The cloud incident's stages, in order, with where to look. */
export const CLOUD_STAGES = [
  {
    id: "phishing",
    title: "Consent-phishing email",
    time: K.phishing.time,
    tables: "EmailEvents",
    mitre: "T1566.002",
    detail: `A fake SharePoint sharing notice from \`${K.phishing.from}\` (sent from ` +
      `${K.phishing.senderIp}, SPF/DKIM/DMARC pass: the attacker owns the domain) reached ` +
      `${K.phishing.recipients.length} people (${K.phishing.recipients.join(", ")}), all ` +
      `delivered to the inbox, UrlCount 1. Its link leads to ${K.phishing.url}.`,
    query: `EmailEvents
| where SenderFromDomain == "${K.phishing.senderDomain}"
| project TimeGenerated, RecipientEmailAddress, Subject, SenderIPv4, DeliveryLocation, UrlCount`,
  },
  {
    id: "consent",
    title: "Admin consent to a malicious OAuth app",
    time: K.consent.time,
    tables: "AuditLogs, SigninLogs, CloudAppEvents, BehaviorAnalytics",
    mitre: "T1528",
    detail: `${K.victim.displayName} (${K.victim.role}) signed in to "${K.consent.app}" ` +
      `(AppId ${K.consent.appId}, publisher ${K.consent.publisher}) from the office ` +
      `(${K.consent.ip}) and granted admin consent for the whole organisation ` +
      `(ConsentContext.IsAdminConsent True, OnBehalfOfAll True) to \`${K.consent.permissions}\`. ` +
      'AuditLogs has "Add service principal", "Add delegated permission grant" and ' +
      `"${K.consent.activity}" within a second; UEBA gives it InvestigationPriority 5.`,
    query: `AuditLogs
| where OperationName == "Consent to application"
| extend App = tostring(TargetResources[0].displayName),
    By = tostring(InitiatedBy.user.userPrincipalName),
    Props = tostring(TargetResources[0].modifiedProperties)
| project TimeGenerated, App, By, AdminConsent = Props has "IsAdminConsent", Props`,
  },
  {
    id: "mailAccess",
    title: "Mailbox read through the app",
    time: `from ${K.mailAccess.start}`,
    tables: "OfficeActivity, CloudAppEvents, AADNonInteractiveUserSignInLogs",
    mitre: "T1114.002",
    detail: `${K.mailAccess.events} \`${K.mailAccess.operation}\` records for the victim's ` +
      `mailbox with AppId ${K.mailAccess.appId} from ${K.mailAccess.ip} (OfficeActivity and ` +
      `CloudAppEvents), over about 16 hours; the app refreshed its token ` +
      `${K.mailAccess.tokenRefreshes} times from ${K.mailAccess.tokenIp} ` +
      "(AADNonInteractiveUserSignInLogs, user agent python-requests).",
    query: `OfficeActivity
| where Operation == "MailItemsAccessed" and AppId == "${K.mailAccess.appId}"
| summarize Events = count(), First = min(TimeGenerated), Last = max(TimeGenerated)
    by UserId, ClientIP`,
  },
  {
    id: "servicePrincipalSecret",
    title: "A new secret on the Azure automation app",
    time: K.servicePrincipalSecret.time,
    tables: "AuditLogs, CloudAppEvents",
    mitre: "T1098.001",
    detail: `Through the app (AdditionalDetails AppId ${K.servicePrincipalSecret.throughAppId}), ` +
      `as ${K.servicePrincipalSecret.initiatedBy} from ${K.servicePrincipalSecret.ip}, a client ` +
      `secret "${K.servicePrincipalSecret.keyDisplayName}" was added to ` +
      `\`${K.servicePrincipalSecret.targetApp}\` (AppId ${K.servicePrincipalSecret.targetAppId}), ` +
      "which holds Contributor on the subscription.",
    query: `AuditLogs
| where OperationName has "Certificates and secrets management"
| project TimeGenerated, App = tostring(TargetResources[0].displayName),
    By = tostring(InitiatedBy.user.userPrincipalName),
    IP = tostring(InitiatedBy.user.ipAddress), AdditionalDetails`,
  },
  {
    id: "azureAbuse",
    title: "GPU virtual machines for crypto mining",
    time: `${K.azureAbuse.resourceGroupCreated} to ${K.azureAbuse.lastOperationAt}`,
    tables: "AzureActivity",
    mitre: "T1496, T1578.002",
    detail: `Signed in as the service principal (${K.azureAbuse.caller}) from ` +
      `${K.azureAbuse.callerIp}, the attacker created resource group ` +
      `\`${K.azureAbuse.resourceGroup}\` in ${K.azureAbuse.region}, then ` +
      `${K.azureAbuse.vms.length} ${K.azureAbuse.vmSize} VMs (${K.azureAbuse.vms.join(", ")}), ` +
      `each with a ${K.azureAbuse.extension} extension fetching ${K.azureAbuse.payloadUrl}. ` +
      "The automation app otherwise only starts and deallocates two dev VMs, from the office.",
    query: `AzureActivity
| where OperationNameValue =~ "${K.azureAbuse.operation}" and ActivityStatusValue == "Success"
| summarize VMs = dcount(Resource), First = min(TimeGenerated) by Caller, CallerIpAddress,
    ResourceGroup`,
  },
] as const;

/** The cloud incident's benign look-alikes. */
export const CLOUD_LOOKALIKES = [
  [
    "A legitimate admin consent",
    `${K.lookalikes.consent.by} granted admin consent to "${K.lookalikes.consent.app}" ` +
    `(${K.lookalikes.consent.time}), a verified publisher, from the office: same three ` +
    "AuditLogs rows as the malicious consent.",
  ],
  [
    "A routine secret rotation",
    `${K.lookalikes.secret.by} rotated the secret of \`${K.lookalikes.secret.app}\` ` +
    `(${K.lookalikes.secret.time}) from the office through the Azure portal.`,
  ],
  [
    "A normal VM deployment",
    `${K.lookalikes.vm.by} deployed \`${K.lookalikes.vm.name}\` (Standard_D4s_v5, ` +
    `${K.lookalikes.vm.region}) in rg-larkspur-servers (${K.lookalikes.vm.time}); admins also ` +
    "change NSG rules and storage accounts on weekdays.",
  ],
  [
    "SharePoint sharing notices",
    'Real "… shared … with you" mail from no-reply@sharepointonline.com reaches staff every ' +
    "week; Defender for Office quarantines a few phish and spam a day.",
  ],
  [
    "Defender driver installs",
    "Event holds 7045 installs of `MpKsl<8 hex>` kernel drivers from ProgramData on many " +
    "machines: Microsoft Defender's own scanning driver.",
  ],
  [
    "Domain Admins reviewed",
    "adm-tom.harper queries the Domain Admins group from LKS-JUMP01 on 3 March (SAMR, " +
    "IdentityQueryEvents): the monthly privileged-access review.",
  ],
] as const;

/** Appends the second incident's sections (and the first one's traces) to `lines`. */
export function renderCloudIncident(lines: string[], p: (...text: string[]) => void): void {
  p(
    "## Where else the first intrusion shows",
    "Tables added with the second incident also record the first: " +
      `DeviceFileEvents (the implant written by PowerShell, procdump64.exe, ` +
      `${ANSWER_KEY.lsassDump.dumpPath} created then deleted, wsh.exe arriving on ` +
      `${ANSWER_KEY.lateralMovement.to} over SMB, ${ANSWER_KEY.exfiltration.archive}, ` +
      "rclone.exe), DeviceRegistryEvents (the scheduled task's key " +
      `\`${FIRST_INCIDENT_TRACES.taskCacheKey}\` and the service key), DeviceLogonEvents (the ` +
      `RDP logon from ${ANSWER_KEY.attacker.ip}, RemoteInteractive), IdentityLogonEvents (the ` +
      "NTLM validation of adm-tom.harper), IdentityQueryEvents (SAMR query of Domain Admins and " +
      "the LDAP query for domain controllers at the discovery time), " +
      `AADNonInteractiveUserSignInLogs (${FIRST_INCIDENT_TRACES.attackerTokenRefreshes} token ` +
      `refreshes from ${ANSWER_KEY.attacker.ip}), BehaviorAnalytics (the Brazilian sign-in, ` +
      "InvestigationPriority 8), CloudAppEvents (the inbox rule) and EmailEvents " +
      `(${FIRST_INCIDENT_TRACES.forwardedEmails} messages forwarded to ` +
      `${ANSWER_KEY.inboxRule.forwardTo}). SecurityIncident groups its four alerts in one ` +
      "open incident.",
  );
  p(
    "## Second incident: consent phishing to crypto mining",
    `Victim: ${K.victim.displayName} (${K.victim.upn}), ${K.victim.department}, ` +
      `${K.victim.role}, on the VIPUsers watchlist. Attacker: ${K.attacker.ip} and ` +
      `${K.attacker.ipv6} (${K.attacker.city}, ${K.attacker.country}, AS${K.attacker.asn}). ` +
      "Nothing is shared with the first intrusion.",
  );
  lines.push(
    "| When (UTC) | Stage | Tables | Alert |",
    "| --- | --- | --- | --- |",
  );
  for (const s of CLOUD_STAGES) {
    const alert = K.alerts.find((a) => a.stage === s.id);
    lines.push(
      `| ${s.time} | ${s.title} | ${s.tables} | ${
        alert ? `${alert.name} (${alert.time})` : "none"
      } |`,
    );
  }
  lines.push("");
  for (const [i, s] of CLOUD_STAGES.entries()) {
    const alert = K.alerts.find((a) => a.stage === s.id);
    p(
      `### C${i + 1}. ${s.title}`,
      `When: ${s.time}. Tables: ${s.tables}. MITRE ATT&CK: ${s.mitre}. Alert: ` +
        (alert ? `"${alert.name}" from ${alert.product} at ${alert.time}.` : "none."),
      s.detail,
      kql(s.query),
    );
  }
  p(
    "### Alerts and incident",
    "SecurityAlert has two rows for this incident: " +
      K.alerts.map((a) => `"${a.name}" (${a.stage}, ${a.time})`).join(", ") + ". The " +
      "phish, the consent and the mailbox reads raised nothing. SecurityIncident groups the two " +
      "alerts in one open incident; every benign alert has its own incident, closed as a " +
      "benign positive.",
  );
  lines.push(
    "### Indicators",
    "",
    "| Type | Value | Role |",
    "| --- | --- | --- |",
  );
  for (const i of K.indicators) lines.push(`| ${i.type} | \`${i.value}\` | ${i.role} |`);
  lines.push("");
  p("### Benign look-alikes");
  for (const [title, text] of CLOUD_LOOKALIKES) lines.push(`- **${title}.** ${text}`);
  lines.push("");
}
