/**
 * Anomalies: what Microsoft Sentinel's anomaly rules (UEBA and machine learning) raise on the
 * first intrusion, a few hours after each stage, from the same rows the case holds: the spray's
 * three sources (SigninLogs), the victim's sign-in from Brazil (SigninLogs, BehaviorAnalytics)
 * and the RDP logon from the attacker's address (SecurityEvent 4624 type 10). Nothing else in
 * the fortnight is anomalous enough to be raised.
 *
 * @module
 */
import { ANSWER_KEY, ATTACK_TIMES as T } from "./_attack.ts";
import { HOUR, iso, MINUTE } from "./_clock.ts";
import { ORG } from "./_org.ts";
import { Prng } from "./_prng.ts";
import type { Row } from "./_table.ts";

interface Anomaly {
  readonly template: string;
  readonly start: number;
  readonly end: number;
  readonly ip: string;
  readonly upn: string | null;
  readonly device: string | null;
  readonly score: number;
  readonly tactics: string;
  readonly techniques: string;
  readonly description: string;
  readonly reasons: readonly string[];
}

/** The anomalies, in time order. */
export function anomalyRows(seed: string): Row[] {
  const rng = new Prng(`${seed}/anomalies`);
  const victim = ANSWER_KEY.victim;
  const anomalies: Anomaly[] = [
    ...ANSWER_KEY.spray.ips.map((ip): Anomaly => ({
      template: "Attempted user account brute force",
      start: T.sprayRound1,
      end: T.spraySuccess,
      ip,
      upn: null,
      device: null,
      score: 0.72,
      tactics: "CredentialAccess",
      techniques: "T1110",
      description: `Sign-in failures from ${ip} against many accounts of the tenant.`,
      reasons: ["Many distinct accounts failed from one address", "Address never seen before"],
    })),
    {
      template: "Anomalous Sign-in",
      start: T.attackerInterrupt,
      end: T.attackerSignin,
      ip: ANSWER_KEY.attacker.ip,
      upn: victim.upn,
      device: null,
      score: 0.81,
      tactics: "InitialAccess",
      techniques: "T1078",
      description: `${victim.upn} signed in from a country never seen for the user or the tenant.`,
      reasons: ["First time user connected from country", "Uncommon ISP for the tenant"],
    },
    {
      template: "Anomalous RDP Login Detections",
      start: T.rdpLogon,
      end: T.rdpLogoff,
      ip: ANSWER_KEY.attacker.ip,
      upn: victim.upn,
      device: victim.workstation,
      score: 0.9,
      tactics: "LateralMovement",
      techniques: "T1021",
      description:
        `RDP logon to ${victim.workstation} from ${ANSWER_KEY.attacker.ip}, an address outside ` +
        "the network never used for RDP before.",
      reasons: ["First RDP connection from this address", "Public source address"],
    },
  ];
  return anomalies.map((a) => {
    const generated = a.end + 3 * HOUR + rng.int(50) * MINUTE;
    return {
      TimeGenerated: generated,
      Id: rng.guid(),
      WorkspaceId: ORG.workspaceId,
      VendorName: "Microsoft",
      AnomalyTemplateId: rng.guid(),
      AnomalyTemplateName: a.template,
      AnomalyTemplateVersion: "1.0.0",
      RuleId: rng.guid(),
      RuleName: a.template,
      RuleStatus: "Production",
      RuleConfigVersion: "1.0",
      Score: a.score,
      Description: a.description,
      StartTime: a.start,
      EndTime: a.end,
      SourceIpAddress: a.ip,
      SourceLocation: JSON.stringify({
        CountryCode: a.ip === ANSWER_KEY.attacker.ip ? ANSWER_KEY.attacker.country : "",
      }),
      UserPrincipalName: a.upn ?? undefined,
      UserName: a.upn?.split("@")[0],
      DestinationDevice: a.device ?? undefined,
      Tactics: a.tactics,
      Techniques: a.techniques,
      AnomalyReasons: JSON.stringify(a.reasons.map((r) => ({ Reason: r }))),
      ActivityInsights: "{}",
      UserInsights: "{}",
      DeviceInsights: "{}",
      Entities: JSON.stringify([
        { Type: "ip", Address: a.ip },
        ...(a.upn ? [{ Type: "account", UserPrincipalName: a.upn }] : []),
        ...(a.device ? [{ Type: "host", HostName: a.device }] : []),
      ]),
      AnomalyDetails: JSON.stringify({ Window: `${iso(a.start)} to ${iso(a.end)}` }),
      ExtendedLinks: "[]",
      ExtendedProperties: "{}",
      SourceSystem: "",
    };
  });
}
