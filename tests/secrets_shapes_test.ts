/**
 * Secrets found by their shape (`src/_secrets.ts`): a URL's password is redacted, an `@` in
 * its query string (an e-mail address in a proxy log's URL) is not a password's end.
 */
import assert from "node:assert/strict";
import { redactValue } from "../src/_secrets.ts";

Deno.test("a URL's password is redacted, an address in its query string is left as it is", () => {
  // RFC 3986: userinfo ends at "@" within the authority, which ends at "/", "?" or "#".
  assert.equal(
    redactValue("postgres://admin:hunter2hunter2@db.internal:5432/cases"),
    "postgres://admin:[redacted: password]@db.internal:5432/cases",
  );
  for (
    const url of [
      "http://10.0.0.5:8080?user=bob@corp.example",
      "https://portal.example:8443#login=ana@corp.example",
    ]
  ) assert.equal(redactValue(url), url);
});
