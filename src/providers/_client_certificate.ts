/**
 * Client assertions for certificate sign-in, made by casefile rather than by
 * `ClientCertificateCredential`: that class hands the whole PEM file (private key AND
 * certificate) to `createPrivateKey`, which Node accepts but Deno's `node:crypto` refuses
 * ("DECODER routines::unsupported"), so under Deno it can never sign. Here the file is split
 * into its blocks, the key is read alone, and the assertion is what MSAL node sends: a JWT
 * signed PS256, with the certificate's SHA-256 thumbprint in `x5t#S256` (and the chain in
 * `x5c` when AZURE_CLIENT_SEND_CERTIFICATE_CHAIN is true), `aud` the token endpoint,
 * `iss` = `sub` = the client id, valid for 10 minutes. `ClientAssertionCredential` sends it.
 *
 * The key is kept in a `KeyObject` inside the credential and never in a message. Shared
 * by the providers that sign in with a certificate (Sentinel, Defender XDR); each passes
 * its own configuration error.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { constants, createHash, createPrivateKey, type KeyObject, sign } from "node:crypto";
import type { CasefileError, CasefileErrorOptions } from "../errors.ts";

/** Makes the provider's own configuration error (a SentinelConfigError, an XdrConfigError). */
export type ConfigErrorFactory = (message: string, options: CasefileErrorOptions) => CasefileError;

/** A certificate and its private key, read from a PEM file. */
export interface ClientCertificate {
  readonly key: KeyObject;
  /** base64url SHA-256 of the first certificate's DER. */
  readonly thumbprintSha256: string;
  /** base64 DER of every certificate in the file, for `x5c`. */
  readonly chain: readonly string[];
}

const BLOCK = /-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * Reads a PEM file holding a private key and its certificate (what
 * AZURE_CLIENT_CERTIFICATE_PATH names).
 *
 * @throws the provider's configuration error (from `configError`) when the file cannot be
 *   read, lacks the key or the certificate, or the key cannot be opened (a wrong or
 *   missing password).
 */
export function readClientCertificate(
  path: string,
  password: string | undefined,
  configError: ConfigErrorFactory,
): ClientCertificate {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    throw configError(`Cannot read the client certificate file ${path}`, {
      cause: error,
      hint: "Point AZURE_CLIENT_CERTIFICATE_PATH at a PEM file holding the app's certificate " +
        "and its private key, readable by you.",
    });
  }
  const blocks = [...text.matchAll(BLOCK)].map((m) => ({ label: m[1], text: m[0], body: m[2] }));
  const keyBlock = blocks.find((b) => /PRIVATE KEY$/.test(b.label));
  const chain = blocks.filter((b) => b.label === "CERTIFICATE")
    .map((b) => b.body.replace(/\s+/g, ""));
  if (!keyBlock || chain.length === 0) {
    throw configError(
      `The client certificate file ${path} has no ${keyBlock ? "certificate" : "private key"}`,
      {
        hint: "The PEM file must hold both the private key and the certificate (for a .pfx: " +
          "`openssl pkcs12 -in app.pfx -out app.pem -nodes`).",
      },
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(
      password === undefined
        ? keyBlock.text
        : { key: keyBlock.text, format: "pem", passphrase: password },
    );
  } catch (error) {
    throw keyError(configError, path, error, {
      encrypted: keyBlock.label.startsWith("ENCRYPTED") || /ENCRYPTED/.test(keyBlock.text),
      password: password !== undefined,
    });
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw configError(
      `The key in ${path} is ${key.asymmetricKeyType ?? "not"} an RSA key`,
      { hint: "Microsoft Entra ID signs apps in with RSA certificates only." },
    );
  }
  const der = Buffer.from(chain[0], "base64");
  const thumbprintSha256 = createHash("sha256").update(der).digest("base64url");
  return { key, thumbprintSha256, chain };
}

/** Why a private key would not open, told by whether it is encrypted and a password is set. */
function keyError(
  configError: ConfigErrorFactory,
  path: string,
  cause: unknown,
  key: { encrypted: boolean; password: boolean },
): CasefileError {
  if (key.encrypted && key.password) {
    return configError(
      `Cannot open the private key in ${path}: the password in ` +
        "AZURE_CLIENT_CERTIFICATE_PASSWORD does not decrypt it",
      {
        cause,
        hint: "AZURE_CLIENT_CERTIFICATE_PASSWORD is set, but to another password than the " +
          "key's: set it to the password the key was exported with.",
      },
    );
  }
  if (key.encrypted) {
    return configError(
      `Cannot open the private key in ${path}: it is encrypted, and ` +
        "AZURE_CLIENT_CERTIFICATE_PASSWORD is not set",
      { cause, hint: "Set AZURE_CLIENT_CERTIFICATE_PASSWORD to the key's password." },
    );
  }
  return configError(`Cannot open the private key in ${path}`, {
    cause,
    hint: "Check that the file holds a PEM private key (unencrypted, or encrypted with the " +
      "password in AZURE_CLIENT_CERTIFICATE_PASSWORD).",
  });
}

/** A client assertion for `clientId` at the token endpoint `audience`. */
export function clientAssertion(
  certificate: ClientCertificate,
  clientId: string,
  audience: string,
  options: { sendChain?: boolean } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const header = {
    alg: "PS256",
    typ: "JWT",
    "x5t#S256": certificate.thumbprintSha256,
    ...(options.sendChain ? { x5c: certificate.chain } : {}),
  };
  const payload = {
    aud: audience,
    iss: clientId,
    sub: clientId,
    jti: crypto.randomUUID(),
    nbf: now,
    iat: now,
    exp: now + 600,
  };
  const signed = `${encode(header)}.${encode(payload)}`;
  const signature = sign("sha256", Buffer.from(signed), {
    key: certificate.key,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  });
  return `${signed}.${signature.toString("base64url")}`;
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
