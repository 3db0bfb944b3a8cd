/**
 * Row builders for SecurityAlert and ThreatIntelligenceIndicator.
 *
 * @module
 */
import { MINUTE } from "./_clock.ts";
import { ORG } from "./_org.ts";
import type { Row } from "./_table.ts";

/** The products that raise alerts in this workspace. */
export const PRODUCTS = {
  identityProtection: {
    product: "Azure Active Directory Identity Protection",
    provider: "IPC",
    component: "",
  },
  defenderEndpoint: {
    product: "Microsoft Defender Advanced Threat Protection",
    provider: "MDATP",
    component: "",
  },
  cloudApps: { product: "Microsoft Cloud App Security", provider: "MCAS", component: "" },
  defenderServers: {
    product: "Azure Security Center",
    provider: "Azure Security Center",
    component: "Servers",
  },
} as const;

/** Everything that varies between SecurityAlert rows. */
export interface Alert {
  readonly time: number;
  readonly name: string;
  readonly severity: "Informational" | "Low" | "Medium" | "High";
  readonly description: string;
  readonly product: (typeof PRODUCTS)[keyof typeof PRODUCTS];
  readonly alertType: string;
  readonly start: number;
  readonly end: number;
  /** Alert entities, as the product reports them (`Type` plus properties). */
  readonly entities: ReadonlyArray<Record<string, unknown>>;
  readonly compromised: string;
  readonly tactics: string;
  readonly techniques: readonly string[];
  readonly remediation: readonly string[];
  readonly extended: Readonly<Record<string, string>>;
  readonly systemAlertId: string;
  readonly vendorId: string;
}

/** A SecurityAlert row. */
export function alertRow(a: Alert): Row {
  const entities = a.entities.map((e, i) => ({ $id: String(i + 2), ...e }));
  return {
    TimeGenerated: a.time,
    DisplayName: a.name,
    AlertName: a.name,
    AlertSeverity: a.severity,
    Description: a.description,
    ProviderName: a.product.provider,
    VendorName: "Microsoft",
    VendorOriginalId: a.vendorId,
    SystemAlertId: a.systemAlertId,
    ResourceId: "",
    SourceComputerId: "",
    AlertType: a.alertType,
    ConfidenceLevel: "Unknown",
    IsIncident: false,
    StartTime: a.start,
    EndTime: a.end,
    ProcessingEndTime: a.time + 2 * MINUTE,
    RemediationSteps: JSON.stringify(a.remediation),
    ExtendedProperties: JSON.stringify(a.extended),
    Entities: JSON.stringify(entities),
    SourceSystem: "Detection",
    WorkspaceSubscriptionId: ORG.subscriptionId,
    WorkspaceResourceGroup: ORG.resourceGroup,
    ExtendedLinks: "",
    ProductName: a.product.product,
    ProductComponentName: a.product.component,
    AlertLink: a.product.provider === "MDATP"
      ? `https://security.microsoft.com/alerts/${a.vendorId}`
      : "",
    Status: "New",
    CompromisedEntity: a.compromised,
    Tactics: a.tactics,
    Techniques: JSON.stringify(a.techniques),
  };
}

/** Everything that varies between ThreatIntelligenceIndicator rows. */
export interface Indicator {
  readonly time: number;
  readonly id: string;
  readonly externalId: string;
  readonly description: string;
  readonly kind: "ip" | "domain" | "url" | "sha256";
  readonly value: string;
  readonly confidence: number;
  readonly expires: number;
  readonly provider: string;
  readonly threatType: string;
  readonly severity: number;
  readonly tlp: "White" | "Green" | "Amber";
  readonly tags: readonly string[];
}

/** A ThreatIntelligenceIndicator row. */
export function indicatorRow(i: Indicator): Row {
  return {
    TimeGenerated: i.time,
    SourceSystem: i.provider,
    IndicatorId: i.id,
    ExternalIndicatorId: i.externalId,
    Action: "alert",
    Active: true,
    ConfidenceScore: i.confidence,
    Description: i.description,
    DomainName: i.kind === "domain" ? i.value : undefined,
    NetworkIP: i.kind === "ip" ? i.value : undefined,
    Url: i.kind === "url" ? i.value : undefined,
    FileHashType: i.kind === "sha256" ? "SHA256" : undefined,
    FileHashValue: i.kind === "sha256" ? i.value : undefined,
    ExpirationDateTime: i.expires,
    IndicatorProvider: i.provider,
    ThreatType: i.threatType,
    ThreatSeverity: i.severity,
    TrafficLightProtocolLevel: i.tlp,
    Tags: JSON.stringify(i.tags),
  };
}
