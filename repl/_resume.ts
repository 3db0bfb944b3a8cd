/**
 * Reopening a session on every provider its steps named: `%kql @archive ...` recorded the
 * provider's name and how to open it (a folder, a workspace, a cluster; never a secret), so
 * a resumed session connects each again under its name, and a step re-runs where it ran.
 * One that cannot be opened now is named with the `.connect` that would open it.
 *
 * @module
 */
import type { ProviderSource } from "../src/session/mod.ts";
import type { Session } from "../src/session/mod.ts";
import { connect, type Connection, type ProviderSpec } from "./_providers.ts";

/** What reconnecting needs of the REPL. */
export interface ResumeHost {
  readonly session: Session;
  readonly connections: Map<string, Connection>;
  readonly output: { write(text: string): void };
}

/** The REPL's way to open `source` again; undefined for a session without a provider. */
export function specOf(source: ProviderSource): ProviderSpec | undefined {
  switch (source.kind) {
    case "local":
      return source.demo ? { kind: "local" } : { kind: "local", dir: source.folder };
    case "sentinel":
      return { kind: "sentinel", workspace: source.workspace };
    case "adx":
      return { kind: "adx", cluster: source.cluster, database: source.database };
    case "xdr":
      return { kind: "xdr" };
    case "none":
      return undefined;
  }
}

/** `.connect` words opening `source` as `name` (what to type when it could not be opened). */
function connectWords(source: ProviderSource, name: string): string {
  const spec = specOf(source);
  switch (spec?.kind) {
    case "local":
      return `.connect local ${spec.dir ? `${spec.dir} ` : ""}as ${name}`;
    case "sentinel":
      return `.connect sentinel ${spec.workspace} as ${name}`;
    case "adx":
      return `.connect adx ${spec.cluster} ${spec.database} as ${name}`;
    case "xdr":
      return `.connect xdr as ${name}`;
    case undefined:
      return `.connect KIND ... as ${name}`;
  }
}

/**
 * Connects, under its name, each provider the session's steps ran on that is not connected
 * yet, and adds it to the session; says what it did, and what to type for one it could not
 * open (the steps on it then refuse to re-run rather than run elsewhere).
 */
export async function reconnectRecorded(host: ResumeHost): Promise<void> {
  for (const [name, source] of Object.entries(host.session.recordedProviders())) {
    if (host.connections.has(name)) continue;
    const spec = specOf(source);
    if (!spec) continue;
    try {
      const connection = await connect(spec);
      host.connections.set(name, connection);
      host.session.addProvider(name, connection.provider);
      host.output.write(`reconnected @${name}: ${connection.provider.description}`);
    } catch (error) {
      const hint = (error as { hint?: string }).hint;
      host.output.write(
        `note: steps on @${name} cannot re-run until it is connected: ${(error as Error).message}${
          hint ? ` (${hint})` : ""
        }\n  connect it with: ${connectWords(source, name)}`,
      );
    }
  }
}
