/**
 * The real Sentinel provider (the `@azure/monitor-query-logs` client) opened on the loopback
 * Log Analytics twin: its endpoint, CA and token, no environment, no default timespan.
 */
import type { LogAnalyticsService } from "../twins/log_analytics/mod.ts";
import { startLogAnalyticsService } from "../twins/log_analytics/mod.ts";
import {
  openSentinelProvider,
  type SentinelProvider,
  type SentinelProviderOptions,
} from "../../src/providers/sentinel/sentinel_provider.ts";

/** Opens the Sentinel provider on `service` (its first workspace unless `options` say). */
export async function openTwinProvider(
  service: LogAnalyticsService,
  options: Partial<SentinelProviderOptions> = {},
): Promise<SentinelProvider> {
  return await openSentinelProvider({
    endpoint: service.endpoint,
    workspace: service.workspaceIds[0],
    caCertificates: [service.caCertificate],
    credential: {
      getToken: () =>
        Promise.resolve({ token: service.token, expiresOnTimestamp: Date.now() + 3_600_000 }),
    },
    env: () => undefined,
    config: { defaultTimespan: "none" },
    ...options,
  });
}

/** Runs `fn` with a fresh twin and the provider on it, and closes both after. */
export async function withTwinProvider(
  fn: (provider: SentinelProvider, service: LogAnalyticsService) => Promise<void>,
): Promise<void> {
  const service = await startLogAnalyticsService();
  const provider = await openTwinProvider(service);
  try {
    await fn(provider, service);
  } finally {
    provider.close();
    await service.close();
  }
}
