/**
 * The two twins an incident session talks to (Log Analytics for queries, ARM for the
 * incident), and how a test starts `casefile repl --incident` against them. Both twins' CAs
 * go in one NODE_EXTRA_CA_CERTS file (Deno reads it once, at the child's first TLS
 * connection).
 */
import {
  DEMO_WORKSPACE_ID,
  type LogAnalyticsService,
  startLogAnalyticsService,
} from "../twins/log_analytics/mod.ts";
import { type ArmService, DEMO_INCIDENT_ID, startArmService } from "../twins/arm/mod.ts";
import { tempFolder } from "../_helpers.ts";

/** The running twins, the environment and the arguments of a REPL seeded from the incident. */
export interface IncidentTwins {
  readonly logs: LogAnalyticsService;
  readonly arm: ArmService;
  readonly env: Record<string, string>;
  /** The casefile home the REPL runs in (its sessions are under `sessions/`). */
  readonly home: string;
  /** `casefile repl` on session `session`, seeded from the demo incident. */
  readonly args: (session: string) => string[];
  close(): Promise<void>;
}

/** Starts both twins, with a fresh casefile home and config folder. */
export async function startIncidentTwins(): Promise<IncidentTwins> {
  const logs = await startLogAnalyticsService();
  const arm = await startArmService();
  const folder = await tempFolder({ "ca.pem": logs.caCertificate + arm.caCertificate });
  const home = await tempFolder();
  return {
    logs,
    arm,
    home,
    env: {
      NODE_EXTRA_CA_CERTS: `${folder}/ca.pem`,
      CASEFILE_SENTINEL_ENDPOINT: logs.endpoint,
      CASEFILE_SENTINEL_TOKEN: logs.token,
      CASEFILE_SENTINEL_DEFAULT_TIMESPAN: "none",
      CASEFILE_ARM_ENDPOINT: arm.endpoint,
      CASEFILE_ARM_TOKEN: arm.token,
      XDG_CONFIG_HOME: await tempFolder(),
    },
    args: (session) => [
      "repl",
      "--home",
      home,
      "--session",
      session,
      "--provider",
      "sentinel",
      "--workspace",
      DEMO_WORKSPACE_ID,
      "--incident",
      DEMO_INCIDENT_ID,
      "--workspace-resource",
      arm.workspaceResourceId,
    ],
    async close() {
      await arm.close();
      await logs.close();
    },
  };
}
