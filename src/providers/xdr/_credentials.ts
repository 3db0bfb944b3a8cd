/**
 * Clouds and credentials of the XDR provider: Microsoft Graph's endpoint and the Entra ID
 * sign-in host of each national cloud advanced hunting runs in, and the `@azure/identity`
 * credential of a kind, asked for tokens of scope `<graph>/.default`. Secrets are read from
 * the environment here, when the credential is made, and kept nowhere else.
 *
 * @module
 */
import type { TokenCredential } from "@azure/identity";
import { Agent } from "node:https";
import { rootCertificates } from "node:tls";
import { XdrConfigError } from "./errors.ts";
import { clientAssertion, readClientCertificate } from "../_client_certificate.ts";

export type { TokenCredential };

/** Reads an environment variable (tests pass their own). */
export type XdrEnvReader = (name: string) => string | undefined;

/**
 * The national clouds runHuntingQuery is served in: `public` (graph.microsoft.com),
 * `usgov` (US Government L4, graph.microsoft.us) and `dod` (US Government L5,
 * dod-graph.microsoft.us). Graph in China (21Vianet) does not serve it.
 */
export type XdrCloud = "public" | "usgov" | "dod";

/** A cloud's Graph endpoint and sign-in host. */
export interface XdrCloudSettings {
  readonly name: XdrCloud;
  readonly graph: string;
  readonly authorityHost: string;
}

/** The clouds, by name. */
export const XDR_CLOUDS: Readonly<Record<XdrCloud, XdrCloudSettings>> = {
  public: {
    name: "public",
    graph: "https://graph.microsoft.com",
    authorityHost: "https://login.microsoftonline.com",
  },
  usgov: {
    name: "usgov",
    graph: "https://graph.microsoft.us",
    authorityHost: "https://login.microsoftonline.us",
  },
  dod: {
    name: "dod",
    graph: "https://dod-graph.microsoft.us",
    authorityHost: "https://login.microsoftonline.us",
  },
};

/**
 * How the provider signs in: the Sentinel provider's kinds. `client-certificate` reads the
 * app's certificate and key from the PEM file AZURE_CLIENT_CERTIFICATE_PATH names (its
 * password, if any, from AZURE_CLIENT_CERTIFICATE_PASSWORD); only the path is ever shown.
 */
export type XdrCredentialKind =
  | "default"
  | "azure-cli"
  | "environment"
  | "managed-identity"
  | "device-code"
  | "interactive-browser"
  | "client-secret"
  | "client-certificate";

const KINDS: readonly XdrCredentialKind[] = [
  "default",
  "azure-cli",
  "environment",
  "managed-identity",
  "device-code",
  "interactive-browser",
  "client-secret",
  "client-certificate",
];

/** Whether `value` is a credential kind. */
export function isCredentialKind(value: string): value is XdrCredentialKind {
  return (KINDS as readonly string[]).includes(value);
}

/** What a credential needs to be made. */
export interface CredentialSettings {
  readonly kind: XdrCredentialKind;
  readonly authorityHost: string;
  /** Whether the sign-in host is not the cloud's (instance discovery is then skipped). */
  readonly customAuthorityHost: boolean;
  readonly tenantId?: string;
  readonly clientId?: string;
  readonly env: XdrEnvReader;
  readonly caCertificates?: readonly string[];
  readonly prompt: (message: string) => void;
}

/**
 * Loads `@azure/identity` (some 80 ms: only when a provider is opened with a credential
 * kind) and makes the credential.
 *
 * @throws {XdrConfigError} when the kind needs a setting that is missing.
 */
export async function createCredential(settings: CredentialSettings): Promise<TokenCredential> {
  const missing = missingSettings(settings);
  if (missing.length > 0) {
    throw new XdrConfigError(
      `The ${settings.kind} credential needs ${missing.join(", ")}, which ${
        missing.length === 1 ? "is" : "are"
      } not set`,
      {
        hint: `Set ${missing.join(" and ")} in the environment (never in a file), or choose ` +
          "another credential kind, e.g. azure-cli after `az login`.",
      },
    );
  }
  const identity = await import("@azure/identity");
  const { tenantId, clientId, env, kind } = settings;
  const agent = settings.caCertificates?.length
    ? new Agent({ ca: [...rootCertificates, ...settings.caCertificates] })
    : undefined;
  const http = agent ? { agent } : {};
  const authority = {
    ...http,
    authorityHost: settings.authorityHost,
    ...(settings.customAuthorityHost ? { disableInstanceDiscovery: true } : {}),
  };
  switch (kind) {
    case "default":
      return new identity.DefaultAzureCredential({
        ...authority,
        tenantId,
        ...(clientId ? { managedIdentityClientId: clientId } : {}),
      });
    case "environment":
      // EnvironmentCredential's certificate path cannot sign under Deno (see
      // ../_client_certificate.ts): without a secret, the certificate is read here.
      return env("AZURE_CLIENT_SECRET")
        ? new identity.EnvironmentCredential(authority)
        : certificateCredential(
          identity,
          settings,
          env("AZURE_TENANT_ID")!,
          env("AZURE_CLIENT_ID")!,
          authority,
        );
    case "azure-cli":
      return new identity.AzureCliCredential({ tenantId });
    case "managed-identity":
      return clientId
        ? new identity.ManagedIdentityCredential({ ...http, clientId })
        : new identity.ManagedIdentityCredential(http);
    case "device-code":
      return new identity.DeviceCodeCredential({
        ...authority,
        tenantId,
        clientId,
        userPromptCallback: (info) => settings.prompt(info.message),
      });
    case "interactive-browser":
      return new identity.InteractiveBrowserCredential({ ...authority, tenantId, clientId });
    case "client-secret":
      return new identity.ClientSecretCredential(
        tenantId!,
        clientId!,
        env("AZURE_CLIENT_SECRET")!,
        authority,
      );
    case "client-certificate":
      return certificateCredential(identity, settings, tenantId!, clientId!, authority);
  }
}

/** A client assertion signed with the certificate's key, sent by `ClientAssertionCredential`. */
function certificateCredential(
  identity: typeof import("@azure/identity"),
  settings: CredentialSettings,
  tenantId: string,
  clientId: string,
  authority: { authorityHost: string; disableInstanceDiscovery?: boolean },
): TokenCredential {
  const { env } = settings;
  const certificate = readClientCertificate(
    env("AZURE_CLIENT_CERTIFICATE_PATH")!,
    env("AZURE_CLIENT_CERTIFICATE_PASSWORD"),
    (message, options) => new XdrConfigError(message, options),
  );
  const sendChain = /^(true|1)$/i.test(env("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN") ?? "");
  const audience = `${settings.authorityHost.replace(/\/+$/, "")}/${tenantId}/oauth2/v2.0/token`;
  return new identity.ClientAssertionCredential(
    tenantId,
    clientId,
    () => Promise.resolve(clientAssertion(certificate, clientId, audience, { sendChain })),
    authority,
  );
}

function missingSettings(settings: CredentialSettings): string[] {
  const { kind, env, tenantId, clientId } = settings;
  switch (kind) {
    case "environment":
      return [
        ...(env("AZURE_TENANT_ID") ? [] : ["AZURE_TENANT_ID"]),
        ...(env("AZURE_CLIENT_ID") ? [] : ["AZURE_CLIENT_ID"]),
        ...(env("AZURE_CLIENT_SECRET") || env("AZURE_CLIENT_CERTIFICATE_PATH")
          ? []
          : ["AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH)"]),
      ];
    case "client-certificate":
      return [
        ...(tenantId ? [] : ["AZURE_TENANT_ID"]),
        ...(clientId ? [] : ["AZURE_CLIENT_ID"]),
        ...(env("AZURE_CLIENT_CERTIFICATE_PATH") ? [] : ["AZURE_CLIENT_CERTIFICATE_PATH"]),
      ];
    case "client-secret":
      return [
        ...(tenantId ? [] : ["AZURE_TENANT_ID"]),
        ...(clientId ? [] : ["AZURE_CLIENT_ID"]),
        ...(env("AZURE_CLIENT_SECRET") ? [] : ["AZURE_CLIENT_SECRET"]),
      ];
    case "default":
    case "azure-cli":
    case "managed-identity":
    case "device-code":
    case "interactive-browser":
      return [];
  }
}

/**
 * What to do when Graph refuses the token (401) or the identity lacks the permission (403).
 */
export function authHint(status: number, kind: XdrCredentialKind | "token" | "custom"): string {
  if (status === 403) {
    return "The identity needs the Microsoft Graph permission ThreatHunting.Read.All " +
      "(application permission with admin consent for an app; delegated for a person, who " +
      "also needs a Defender XDR role that may run advanced hunting).";
  }
  switch (kind) {
    case "token":
      return "The token in CASEFILE_XDR_TOKEN was refused: it may have expired (tokens last " +
        "about an hour) or be for another resource. Get a new one (`az account " +
        "get-access-token --resource https://graph.microsoft.com --query accessToken -o tsv`).";
    case "azure-cli":
      return "Run `az login`, then try again.";
    case "environment":
    case "client-secret":
      return "Check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET; an expired " +
        "secret needs a new one from the app registration.";
    case "client-certificate":
      return "Check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_CERTIFICATE_PATH: the " +
        "certificate must be one registered on the app (Certificates & secrets), not expired.";
    case "managed-identity":
      return "Managed identity only works on an Azure resource that has one; elsewhere choose " +
        "another credential, e.g. azure-cli.";
    case "device-code":
    case "interactive-browser":
    case "default":
      return "Sign in again (`az login`), or set AZURE_TENANT_ID, AZURE_CLIENT_ID and " +
        "AZURE_CLIENT_SECRET, or choose a credential kind (CASEFILE_XDR_CREDENTIAL).";
    case "custom":
      return "Check the credential passed to openXdrProvider().";
  }
}
