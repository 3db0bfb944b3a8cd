/**
 * Opening the REPL's providers: a local folder (the demo case by default) or a Log
 * Analytics workspace by friendly name (the Sentinel config file and environment).
 *
 * `CASEFILE_SENTINEL_TOKEN`, when set, is used as the bearer token (for a token obtained
 * elsewhere, or the loopback service); it is never printed or recorded.
 *
 * @module
 */
import {
  DEMO_CASE_DIR,
  openLocalProvider,
  type Provider,
  type TableInfo,
} from "../src/providers/mod.ts";
import { SENTINEL_SCHEMAS } from "../src/schema/mod.ts";
import { importLater } from "./_later.ts";

/** Which provider to open. */
export type ProviderSpec =
  | { readonly kind: "local"; readonly dir?: string }
  | { readonly kind: "sentinel"; readonly workspace?: string };

/** An open provider with what completion needs. */
export interface Connection {
  readonly spec: ProviderSpec;
  readonly provider: Provider;
  /** Tables with columns, loaded in the background (empty until loaded). */
  tables: readonly TableInfo[];
  readonly ready: Promise<void>;
  close(): void;
}

/** Opens the provider `spec` names. */
export async function connect(spec: ProviderSpec): Promise<Connection> {
  let provider: Provider & { close?: () => void };
  switch (spec.kind) {
    case "local":
      provider = await openLocalProvider(spec.dir ?? DEMO_CASE_DIR, {
        knownSchemas: SENTINEL_SCHEMAS,
      });
      break;
    case "sentinel": {
      const { envTokenCredential, openSentinelProvider } = await importLater<
        typeof import("../src/providers/sentinel/mod.ts")
      >(new URL("../src/providers/sentinel/mod.ts", import.meta.url));
      provider = await openSentinelProvider({
        workspace: spec.workspace,
        credential: envTokenCredential(),
      });
      break;
    }
  }
  const connection: Connection = {
    spec,
    provider,
    tables: [],
    ready: Promise.resolve(),
    close: () => provider.close?.(),
  };
  (connection as { ready: Promise<void> }).ready = provider.tables().then(
    (tables) => {
      connection.tables = tables;
    },
    () => {
      // Completion does without table names (a workspace that cannot be reached yet).
    },
  );
  return connection;
}
