/**
 * JSON Web Tokens for the loopback Entra ID service: base64url, RS256 signing with a
 * throwaway key, and checks of the signatures of tokens (RS256) and of client assertions
 * (PS256 or RS256, with a registered certificate's key).
 *
 * @module
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

/** A JWT split into its decoded parts. */
export interface DecodedJwt {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  /** `header.payload`, the signed text. */
  readonly signed: string;
  readonly signature: Uint8Array<ArrayBuffer>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** base64url of bytes or of a string's UTF-8. */
export function base64url(data: Uint8Array | string): string {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The bytes of a base64url (or base64) text; undefined when it is not one. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_\-+/]*={0,2}$/.test(text)) return undefined;
  try {
    const binary = atob(
      text.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "") +
        "=".repeat((4 - (text.replace(/=+$/, "").length % 4)) % 4),
    );
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** The parts of a compact JWS; undefined when `token` is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [head, body, sig] = parts.map(fromBase64url);
  if (!head || !body || !sig) return undefined;
  try {
    const header = JSON.parse(decoder.decode(head));
    const payload = JSON.parse(decoder.decode(body));
    if (!isObject(header) || !isObject(payload)) return undefined;
    return { header, payload, signed: `${parts[0]}.${parts[1]}`, signature: sig };
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An RS256 signing key made at start-up, with its public JWK (for `jwks_uri`). */
export class SigningKey {
  readonly kid: string;
  readonly #keys: CryptoKeyPair;
  readonly jwk: JsonWebKey;

  private constructor(keys: CryptoKeyPair, jwk: JsonWebKey, kid: string) {
    this.#keys = keys;
    this.jwk = jwk;
    this.kid = kid;
  }

  /** A fresh 2048-bit RSA key. */
  static async create(): Promise<SigningKey> {
    const keys = await crypto.subtle.generateKey(
      {
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: "SHA-256",
      },
      true,
      ["sign", "verify"],
    );
    const jwk = await crypto.subtle.exportKey("jwk", keys.publicKey);
    const digest = await crypto.subtle.digest("SHA-256", encoder.encode(jwk.n ?? ""));
    return new SigningKey(keys, jwk, base64url(new Uint8Array(digest)).slice(0, 27));
  }

  /** A signed compact JWT of `payload`. */
  async sign(payload: Record<string, unknown>): Promise<string> {
    const header = { typ: "JWT", alg: "RS256", kid: this.kid };
    const signed = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
    const signature = await crypto.subtle.sign(
      "RSASSA-PKCS1-v1_5",
      this.#keys.privateKey,
      encoder.encode(signed),
    );
    return `${signed}.${base64url(new Uint8Array(signature))}`;
  }

  /** Whether `jwt` is signed (RS256) with this key. */
  async verifies(jwt: DecodedJwt): Promise<boolean> {
    if (jwt.header.alg !== "RS256" || jwt.header.kid !== this.kid) return false;
    return await crypto.subtle.verify(
      "RSASSA-PKCS1-v1_5",
      this.#keys.publicKey,
      jwt.signature,
      encoder.encode(jwt.signed),
    );
  }
}

/** A certificate registered on an app, for checking client assertions. */
export interface RegisteredCertificate {
  /** base64url SHA-1 of the DER (`x5t`). */
  readonly x5t: string;
  /** base64url SHA-256 of the DER (`x5t#S256`). */
  readonly x5tS256: string;
  readonly certificate: x509.X509Certificate;
}

/** Parses a PEM certificate and computes its thumbprints. */
export async function registerCertificate(pem: string): Promise<RegisteredCertificate> {
  const certificate = new x509.X509Certificate(pem);
  const der = new Uint8Array(certificate.rawData);
  const sha1 = new Uint8Array(await crypto.subtle.digest("SHA-1", der));
  const sha256 = new Uint8Array(await crypto.subtle.digest("SHA-256", der));
  return { x5t: base64url(sha1), x5tS256: base64url(sha256), certificate };
}

/**
 * Whether a client assertion is signed by `registered`'s key: PS256 (what MSAL node sends
 * with a SHA-256 thumbprint) or RS256 (with a SHA-1 one).
 */
export async function assertionSignedBy(
  jwt: DecodedJwt,
  registered: RegisteredCertificate,
): Promise<boolean> {
  const alg = jwt.header.alg;
  const params = alg === "PS256"
    ? { import: { name: "RSA-PSS", hash: "SHA-256" }, verify: { name: "RSA-PSS", saltLength: 32 } }
    : alg === "RS256"
    ? {
      import: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      verify: { name: "RSASSA-PKCS1-v1_5" },
    }
    : undefined;
  if (!params) return false;
  try {
    const key = await crypto.subtle.importKey(
      "spki",
      registered.certificate.publicKey.rawData,
      params.import,
      false,
      ["verify"],
    );
    return await crypto.subtle.verify(
      params.verify,
      key,
      jwt.signature,
      encoder.encode(jwt.signed),
    );
  } catch {
    return false;
  }
}
