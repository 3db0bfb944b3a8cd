/**
 * The second incident, on the cloud side, and its answer key: a consent-phishing email
 * gets the Head of IT (a Global Administrator) to grant a malicious OAuth app admin
 * consent; the app reads her mailbox, adds a client secret to the company's Azure
 * automation app, and that service principal deploys GPU virtual machines that mine
 * cryptocurrency. Nothing is shared with the first incident: victim, addresses, names and
 * random stream (`<seed>/cloud-attack`) are its own. `CLOUD_ANSWER_KEY` has the shape of
 * `ANSWER_KEY` (organisation, victim, attacker, one entry per stage, alerts, indicators).
 *
 * @module
 */
import { AUTOMATION } from "./_benign_cloud.ts";
import { at, HOUR, iso, MINUTE, SECOND } from "./_clock.ts";
import {
  azureActivityRows,
  behaviorRow,
  CLOUD_APPS,
  cloudAppRow,
  emailRow,
  nonInteractiveRow,
} from "./_cloud_rows.ts";
import { PLACES } from "./_geo.ts";
import { consentAuditRows, EDGE_UA } from "./_consent.ts";
import { auditRow, byUser, officeRow, signinRow, UNKNOWN_DEVICE } from "./_identity.ts";
import { alertRow, PRODUCTS } from "./_intel.ts";
import { ORG, type Organisation, type User } from "./_org.ts";
import { Prng } from "./_prng.ts";
import type { Row } from "./_table.ts";

const DOMAIN = ORG.domain;

const C = {
  lookalikeConsent: at(2026, 3, 3, 14, 22, 5),
  lookalikeVm: at(2026, 3, 4, 15, 10, 44),
  phish: at(2026, 3, 5, 9, 41, 12),
  consentSignin: at(2026, 3, 5, 10, 2, 11),
  consent: at(2026, 3, 5, 10, 2, 39),
  firstMailAccess: at(2026, 3, 5, 10, 7, 52),
  secret: at(2026, 3, 6, 2, 13, 45),
  secretAlert: at(2026, 3, 6, 2, 19, 50),
  resourceGroup: at(2026, 3, 6, 2, 31, 5),
  firstVm: at(2026, 3, 6, 2, 33, 40),
  miningAlert: at(2026, 3, 6, 5, 47, 12),
  lookalikeSecret: at(2026, 3, 10, 11, 4, 19),
} as const;

const APP_ID = "7d3f5c1a-9b2e-4f68-a0d4-3c8e1b6f2a95";
const APP_SP = "e2a9c4d7-5f18-4b3e-9c60-8d1f7a2b4e36";
const AUTOMATION_APP_ID = AUTOMATION.appId;
const AUTOMATION_SP = AUTOMATION.servicePrincipalId;
const ATTACKER_IP = "203.0.113.132";
const ATTACKER_IPV6 = "2001:db8:5e7:1::20";
const PHISH_IP = "198.51.100.214";
const PHISH_FROM = "no-reply@sharepoint-docreview.example";
const PAYLOAD_URL = "https://cdn.docuview-secure.example/x/setup.sh";
const MAIL_ACCESSES = 18;
const TOKEN_REFRESHES = 8;
const VMS = ["mlworker-01", "mlworker-02", "mlworker-03"] as const;
const RECIPIENTS = ["nadia.brooks", "aisha.khan", "graham.whitfield", "megan.doyle"] as const;
const PERMISSIONS = "User.Read Mail.Read Mail.ReadWrite offline_access Application.ReadWrite.All";

/** The second incident: what was planted, when, where, and how to find it. */
export const CLOUD_ANSWER_KEY = {
  organisation: { name: ORG.name, domain: DOMAIN, netbios: ORG.netbios },
  victim: {
    upn: `nadia.brooks@${DOMAIN}`,
    displayName: "Nadia Brooks",
    department: "IT",
    role: "Global Administrator",
    officeIp: ORG.egress.london,
  },
  attacker: {
    ip: ATTACKER_IP,
    ipv6: ATTACKER_IPV6,
    country: "US",
    city: "Ashburn",
    asn: "64511",
  },
  phishing: {
    time: iso(C.phish),
    from: PHISH_FROM,
    senderDomain: "sharepoint-docreview.example",
    senderIp: PHISH_IP,
    subject: 'shared "Q1 Supplier Contracts Review" with you',
    recipients: RECIPIENTS.map((r) => `${r}@${DOMAIN}`),
    url: "https://login.docuview-secure.example/consent?doc=q1-supplier-contracts",
    deliveryLocation: "Inbox/folder",
  },
  consent: {
    time: iso(C.consent),
    activity: "Consent to application",
    app: "DocuView Secure",
    appId: APP_ID,
    servicePrincipalId: APP_SP,
    permissions: PERMISSIONS,
    adminConsent: true,
    ip: ORG.egress.london,
    publisher: "unverified",
  },
  mailAccess: {
    start: iso(C.firstMailAccess),
    operation: "MailItemsAccessed",
    appId: APP_ID,
    ip: ATTACKER_IPV6,
    events: MAIL_ACCESSES,
    tokenRefreshes: TOKEN_REFRESHES,
    tokenIp: ATTACKER_IP,
  },
  servicePrincipalSecret: {
    time: iso(C.secret),
    activity: "Update application – Certificates and secrets management",
    targetApp: "lks-infra-automation",
    targetAppId: AUTOMATION_APP_ID,
    servicePrincipalId: AUTOMATION_SP,
    initiatedBy: `nadia.brooks@${DOMAIN}`,
    throughAppId: APP_ID,
    ip: ATTACKER_IP,
    keyDisplayName: "backup-sync",
  },
  azureAbuse: {
    caller: AUTOMATION_SP,
    callerIp: ATTACKER_IP,
    resourceGroupCreated: iso(C.resourceGroup),
    resourceGroup: "rg-ml-training-eus",
    region: "eastus",
    firstVmAt: iso(C.firstVm),
    /** The last VM's extension: the deployment's last operation. */
    lastOperationAt: iso(C.firstVm + 2 * 3 * MINUTE + 4 * MINUTE),
    vms: VMS,
    vmSize: "Standard_NC24ads_A100_v4",
    operation: "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE",
    extension: "CustomScript",
    payloadUrl: PAYLOAD_URL,
  },
  alerts: [
    {
      stage: "servicePrincipalSecret",
      name: "Unusual addition of credentials to an OAuth app",
      product: PRODUCTS.cloudApps.product,
      time: iso(C.secretAlert),
    },
    {
      stage: "azureAbuse",
      name: "Digital currency mining related behavior detected",
      product: PRODUCTS.defenderServers.product,
      time: iso(C.miningAlert),
    },
  ],
  indicators: [
    {
      type: "domain",
      value: "sharepoint-docreview.example",
      role: "consent-phishing sender domain",
      inStixFeed: false,
      inWorkspaceTi: false,
    },
    {
      type: "ipv4",
      value: PHISH_IP,
      role: "consent-phishing mail server",
      inStixFeed: false,
      inWorkspaceTi: false,
    },
    {
      type: "ipv4",
      value: ATTACKER_IP,
      role: "OAuth token use, secret added, Azure deployments",
      inStixFeed: false,
      inWorkspaceTi: false,
    },
    {
      type: "ipv6",
      value: ATTACKER_IPV6,
      role: "mailbox read through the app",
      inStixFeed: false,
      inWorkspaceTi: false,
    },
    {
      type: "domain",
      value: "docuview-secure.example",
      role: "consent page and miner download",
      inStixFeed: false,
      inWorkspaceTi: false,
    },
  ],
  lookalikes: {
    consent: {
      time: iso(C.lookalikeConsent),
      app: "Adobe Acrobat Sign",
      by: `nadia.brooks@${DOMAIN}`,
    },
    secret: {
      time: iso(C.lookalikeSecret),
      app: "lks-backup-automation",
      by: `aisha.khan@${DOMAIN}`,
    },
    vm: {
      time: iso(C.lookalikeVm),
      name: "vm-lks-app02",
      region: "uksouth",
      by: `aisha.khan@${DOMAIN}`,
    },
  },
} as const;

/** The cloud incident's planted times, for SecurityIncident (`_incidents.ts`). */
export const CLOUD_TIMES = C;

const PYTHON_UA = "python-requests/2.31.0";

interface Ctx {
  readonly org: Organisation;
  readonly rng: Prng;
  readonly add: (table: string, row: Row) => void;
  readonly nadia: User;
}

/** Plants the cloud incident; returns rows by table (look-alikes: `_cloud_lookalikes.ts`). */
export function cloudAttackRows(org: Organisation, seed: string): Map<string, Row[]> {
  const rows = new Map<string, Row[]>();
  const add = (table: string, row: Row) => {
    let list = rows.get(table);
    if (!list) rows.set(table, list = []);
    list.push(row);
  };
  const ctx: Ctx = {
    org,
    rng: new Prng(`${seed}/cloud-attack`),
    add,
    nadia: org.byUpn.get(CLOUD_ANSWER_KEY.victim.upn)!,
  };
  plantPhish(ctx);
  plantConsent(ctx);
  plantMailAccess(ctx);
  plantSecret(ctx);
  plantAzureAbuse(ctx);
  plantCloudAlerts(ctx);
  return rows;
}

function plantPhish(ctx: Ctx): void {
  const k = CLOUD_ANSWER_KEY.phishing;
  for (const [i, upn] of k.recipients.entries()) {
    const user = ctx.org.byUpn.get(upn)!;
    ctx.add(
      "EmailEvents",
      emailRow({
        time: C.phish + i * 2 * SECOND,
        direction: "Inbound",
        from: PHISH_FROM,
        fromName: "SharePoint Online",
        to: upn,
        recipient: user,
        subject: `Graham Whitfield ${k.subject}`,
        senderIp: PHISH_IP,
        attachments: 0,
        urls: 1,
        messageId: ctx.rng.guid(),
      }),
    );
  }
}

function plantConsent(ctx: Ctx): void {
  const { nadia, rng } = ctx;
  const app = {
    name: "DocuView Secure",
    appId: APP_ID,
    resource: "Microsoft Graph",
    resourceId: "00000003-0000-0000-c000-000000000000",
  };
  ctx.add(
    "SigninLogs",
    signinRow({
      time: C.consentSignin,
      upn: nadia.upn,
      user: nadia,
      app,
      ip: ORG.egress.london,
      place: PLACES.london,
      asn: "2856",
      clientApp: "Browser",
      resultType: "0",
      mfa: "Previously satisfied",
      device: UNKNOWN_DEVICE,
      userAgent: EDGE_UA,
      interactive: true,
      namedLocation: "London HQ",
      correlationId: rng.guid(),
      id: rng.guid(),
    }),
  );
  for (
    const row of consentAuditRows(rng, C.consent, nadia, ORG.egress.london, {
      name: "DocuView Secure",
      appId: APP_ID,
      sp: APP_SP,
    }, PERMISSIONS)
  ) ctx.add("AuditLogs", row);
  ctx.add(
    "CloudAppEvents",
    cloudAppRow({
      time: C.consent + 2 * SECOND,
      app: CLOUD_APPS.entra,
      action: "Consent to application.",
      activityType: "Add",
      user: nadia,
      ip: ORG.egress.london,
      countryCode: "GB",
      city: "London",
      isp: "Example Broadband UK",
      userAgent: EDGE_UA,
      objectName: "DocuView Secure",
      objectType: "Application",
      admin: true,
      extra: { Target: [{ ID: APP_SP, Type: 2 }, { ID: APP_ID, Type: 2 }] },
      reportId: rng.guid(),
    }),
  );
  ctx.add(
    "BehaviorAnalytics",
    behaviorRow({
      time: C.consent,
      user: nadia,
      source: "AuditLogs",
      activityType: "ApplicationManagement",
      actionType: "Consent to application",
      ip: ORG.egress.london,
      country: "GB",
      city: "London",
      priority: 5,
      insights: {
        FirstTimeUserPerformedAction: false,
        ActionUncommonlyPerformedAmongPeers: true,
        FirstTimeAppObservedInTenant: true,
      },
      recordId: rng.guid(),
    }),
  );
}

function plantMailAccess(ctx: Ctx): void {
  const { nadia, rng } = ctx;
  const place = { ...PLACES.chicago, city: "Ashburn", state: "Virginia" };
  const app = {
    name: "DocuView Secure",
    appId: APP_ID,
    resource: "Microsoft Graph",
    resourceId: "00000003-0000-0000-c000-000000000000",
  };
  for (let i = 0; i < TOKEN_REFRESHES; i++) {
    ctx.add(
      "AADNonInteractiveUserSignInLogs",
      nonInteractiveRow({
        time: C.firstMailAccess - 30 * SECOND + i * 2 * HOUR,
        upn: nadia.upn,
        user: nadia,
        app,
        ip: ATTACKER_IP,
        place,
        asn: "64511",
        clientApp: "Mobile Apps and Desktop clients",
        resultType: "0",
        mfa: "Previously satisfied",
        device: UNKNOWN_DEVICE,
        userAgent: PYTHON_UA,
        interactive: false,
        namedLocation: null,
        correlationId: rng.guid(),
        id: rng.guid(),
      }),
    );
  }
  for (let i = 0; i < MAIL_ACCESSES; i++) {
    const time = C.firstMailAccess + i * 53 * MINUTE + rng.int(120) * SECOND;
    const folder = ["Inbox", "Sent Items", "Inbox/IT Vendors", "Archive"][i % 4];
    ctx.add("OfficeActivity", {
      ...officeRow({
        time,
        user: nadia,
        operation: "MailItemsAccessed",
        workload: "Exchange",
        recordType: "ExchangeItemAggregated",
        clientIp: ATTACKER_IPV6,
        officeId: rng.guid(),
        clientInfo: `Client=REST;Client=RESTSystem;${PYTHON_UA};`,
        parameters: [["MailAccessType", "Bind"], ["FolderPath", `\\${folder}`]],
      }),
      AppId: APP_ID,
      ClientAppId: APP_ID,
    });
    ctx.add(
      "CloudAppEvents",
      cloudAppRow({
        time: time + 1 * SECOND,
        app: CLOUD_APPS.exchange,
        action: "MailItemsAccessed",
        activityType: "Read",
        user: nadia,
        ip: ATTACKER_IPV6,
        countryCode: "US",
        city: "Ashburn",
        isp: "Example Hosting LLC",
        userAgent: PYTHON_UA,
        objectName: `\\${folder}`,
        objectType: "Folder",
        appId: APP_ID,
        extra: { MailAccessType: "Bind", OperationCount: 5 + (i % 7) },
        reportId: rng.guid(),
      }),
    );
  }
}

function plantSecret(ctx: Ctx): void {
  const { nadia, rng } = ctx;
  const keyId = rng.guid();
  ctx.add("AuditLogs", {
    ...auditRow({
      time: C.secret,
      activity: CLOUD_ANSWER_KEY.servicePrincipalSecret.activity,
      category: "ApplicationManagement",
      service: "Core Directory",
      operationType: "Update",
      initiatedBy: byUser(nadia, ATTACKER_IP),
      target: {
        id: AUTOMATION_APP_ID,
        type: "Application" as const,
        name: "lks-infra-automation",
        upn: null,
        modified: [{
          displayName: "KeyDescription",
          oldValue: "[]",
          newValue: `["[KeyIdentifier=${keyId},KeyType=Password,KeyUsage=Verify,` +
            `DisplayName=${CLOUD_ANSWER_KEY.servicePrincipalSecret.keyDisplayName}]"]`,
        }],
      },
      details: [["User-Agent", PYTHON_UA], ["AppId", APP_ID]],
      correlationId: rng.guid(),
      idSuffix: rng.hex(8).toUpperCase(),
    }),
  });
  ctx.add(
    "CloudAppEvents",
    cloudAppRow({
      time: C.secret + 3 * SECOND,
      app: CLOUD_APPS.entra,
      action: "Update application – Certificates and secrets management ",
      activityType: "Edit",
      user: nadia,
      ip: ATTACKER_IP,
      countryCode: "US",
      city: "Ashburn",
      isp: "Example Hosting LLC",
      userAgent: PYTHON_UA,
      objectName: "lks-infra-automation",
      objectType: "Application",
      admin: true,
      appId: APP_ID,
      reportId: rng.guid(),
    }),
  );
}

function plantAzureAbuse(ctx: Ctx): void {
  const { rng } = ctx;
  const k = CLOUD_ANSWER_KEY.azureAbuse;
  const claims = {
    appid: AUTOMATION_APP_ID,
    oid: AUTOMATION_SP,
    idtyp: "app",
    ipaddr: ATTACKER_IP,
  };
  const op = (
    time: number,
    operation: string,
    operationName: string,
    resource: string,
    properties: Record<string, unknown> = {},
  ) => {
    for (
      const row of azureActivityRows({
        time,
        operation,
        operationName,
        resourceGroup: k.resourceGroup,
        resource,
        caller: AUTOMATION_SP,
        callerIp: ATTACKER_IP,
        claims,
        properties,
        correlationId: rng.guid(),
        eventIds: [rng.guid(), rng.guid()],
      })
    ) ctx.add("AzureActivity", row);
  };
  op(
    C.resourceGroup,
    "Microsoft.Resources/subscriptions/resourceGroups/write",
    "Update resource group",
    "",
    {
      location: k.region,
    },
  );
  op(
    C.resourceGroup + 55 * SECOND,
    "Microsoft.Network/virtualNetworks/write",
    "Create or Update Virtual Network",
    "providers/Microsoft.Network/virtualNetworks/vnet-ml-eus",
  );
  for (const [i, vm] of k.vms.entries()) {
    const t = C.firstVm + i * 3 * MINUTE;
    op(
      t - 40 * SECOND,
      "Microsoft.Network/networkInterfaces/write",
      "Create or Update Network Interface",
      `providers/Microsoft.Network/networkInterfaces/${vm}-nic`,
    );
    op(
      t,
      "Microsoft.Compute/virtualMachines/write",
      "Create or Update Virtual Machine",
      `providers/Microsoft.Compute/virtualMachines/${vm}`,
      {
        vmSize: k.vmSize,
        location: k.region,
        imageReference: "Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2:latest",
      },
    );
    op(
      t + 4 * MINUTE,
      "Microsoft.Compute/virtualMachines/extensions/write",
      "Create or Update Virtual Machine Extension",
      `providers/Microsoft.Compute/virtualMachines/${vm}/extensions/${k.extension}`,
      {
        publisher: "Microsoft.Azure.Extensions",
        type: k.extension,
        fileUris: [k.payloadUrl],
      },
    );
  }
}

function plantCloudAlerts(ctx: Ctx): void {
  const { nadia, rng } = ctx;
  const ids = () => [rng.guid(), `ca${rng.hex(16)}_${rng.range(100000000, 999999999)}`] as const;
  let [system, vendor] = ids();
  const account = {
    Type: "account",
    Name: nadia.sam,
    UPNSuffix: DOMAIN,
    AadUserId: nadia.objectId,
  };
  ctx.add(
    "SecurityAlert",
    alertRow({
      time: C.secretAlert,
      name: CLOUD_ANSWER_KEY.alerts[0].name,
      severity: "Medium",
      description: "An OAuth app that is rarely used in your organisation added credentials to " +
        "another app, which may let an attacker act as that app.",
      product: PRODUCTS.cloudApps,
      alertType: "MCAS_ALERT_ANUBIS_DETECTION_UNUSUAL_ADDITION_OF_CREDENTIALS_TO_AN_OAUTH_APP",
      start: C.secret,
      end: C.secret,
      entities: [account, { Type: "ip", Address: ATTACKER_IP }, {
        Type: "cloud-application",
        AppId: 12260,
        Name: "DocuView Secure",
        OAuthAppId: APP_ID,
      }],
      compromised: nadia.upn,
      tactics: "Persistence, CredentialAccess",
      techniques: ["T1098.001"],
      remediation: [
        "Review the app's permissions, remove the added credential, and revoke the consent.",
      ],
      extended: { "OAuth app": "DocuView Secure", "Target app": "lks-infra-automation" },
      systemAlertId: system,
      vendorId: vendor,
    }),
  );
  [system, vendor] = ids();
  const vmId = `/subscriptions/${ORG.subscriptionId}/resourceGroups/` +
    `${CLOUD_ANSWER_KEY.azureAbuse.resourceGroup}/providers/Microsoft.Compute/virtualMachines/` +
    CLOUD_ANSWER_KEY.azureAbuse.vms[0];
  ctx.add("SecurityAlert", {
    ...alertRow({
      time: C.miningAlert,
      name: CLOUD_ANSWER_KEY.alerts[1].name,
      severity: "High",
      description: "Analysis of host data on mlworker-01 detected the execution of a process " +
        "normally associated with digital currency mining.",
      product: PRODUCTS.defenderServers,
      alertType: "VM_CurrencyMining",
      start: C.firstVm + 9 * MINUTE,
      end: C.miningAlert - 20 * MINUTE,
      entities: [{ Type: "azure-resource", ResourceId: vmId }, {
        Type: "host",
        HostName: CLOUD_ANSWER_KEY.azureAbuse.vms[0],
        OSFamily: "Linux",
      }, {
        Type: "process",
        CommandLine: "./xmrig -o pool.hashvault-mine.example:443 --tls -t 24",
      }],
      compromised: CLOUD_ANSWER_KEY.azureAbuse.vms[0],
      tactics: "Impact",
      techniques: ["T1496"],
      remediation: [
        "Stop the virtual machine, remove the deployment and rotate the credentials that created it.",
      ],
      extended: {
        "Compromised Host": CLOUD_ANSWER_KEY.azureAbuse.vms[0],
        "resourceType": "Virtual Machine",
      },
      systemAlertId: system,
      vendorId: vendor,
    }),
    ResourceId: vmId,
  });
}
