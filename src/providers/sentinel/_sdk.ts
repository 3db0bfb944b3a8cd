/**
 * The Azure SDK (`@azure/monitor-query-logs`, `@azure/identity`), loaded when a workspace is
 * first opened. Importing it costs some 85 ms, which whatever imports casefile without
 * opening a workspace (a script on local data, the REPL's first answer) need not pay.
 *
 * @module
 */
import type * as Monitor from "@azure/monitor-query-logs";
import type * as Identity from "@azure/identity";

/** The two SDK packages. */
export interface AzureSdk {
  readonly monitor: typeof Monitor;
  readonly identity: typeof Identity;
}

let loaded: AzureSdk | undefined;
let loading: Promise<AzureSdk> | undefined;

/** Loads the SDK (once); `openSentinelProvider` awaits this before anything uses it. */
export function loadAzureSdk(): Promise<AzureSdk> {
  loading ??= Promise.all([import("@azure/monitor-query-logs"), import("@azure/identity")])
    .then(([monitor, identity]) => loaded = { monitor, identity });
  return loading;
}

/** The loaded SDK; a programming error (not a user's) when {@link loadAzureSdk} has not resolved. */
export function azureSdk(): AzureSdk {
  if (loaded === undefined) throw new Error("The Azure SDK is used before loadAzureSdk() resolved");
  return loaded;
}
