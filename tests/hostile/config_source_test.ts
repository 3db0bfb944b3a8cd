/**
 * A session records the Sentinel config file it read only when the analyst gave it (the
 * `configFile` option or `CASEFILE_SENTINEL_CONFIG`): the usual one
 * (`$XDG_CONFIG_HOME/casefile/sentinel.json`) is found again on any machine, where another
 * analyst's path would not open. The Sentinel config says which it was (`fileGiven`); the
 * session no longer guesses the usual path itself.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { resolveConfig } from "../../src/providers/sentinel/_config.ts";
import { sourceOf } from "../../src/session/_provider_source.ts";
import type { Provider } from "../../src/providers/mod.ts";
import { tempFolder } from "../_helpers.ts";

const WORKSPACE = "0b6f5e4c-2a1d-4c3b-9e8f-7a6b5c4d3e2f";
const CONFIG = JSON.stringify({ workspace: WORKSPACE });

/** The source a session records for a Sentinel provider with `config`. */
function recorded(config: Awaited<ReturnType<typeof resolveConfig>>) {
  const provider = { kind: "sentinel", config } as unknown as Provider;
  const source = sourceOf(provider);
  assert.equal(source?.kind, "sentinel");
  return source as Extract<typeof source, { kind: "sentinel" }>;
}

Deno.test("the usual Sentinel config file is not recorded; a given one is, by option or variable", async () => {
  const home = await tempFolder({ "casefile/sentinel.json": CONFIG });
  const usual = join(home, "casefile", "sentinel.json");
  const elsewhere = await tempFolder({ "case.json": CONFIG });
  const given = join(elsewhere, "case.json");
  try {
    const found = await resolveConfig({
      env: (name) => name === "XDG_CONFIG_HOME" ? home : undefined,
    });
    assert.equal(found.file, usual);
    assert.equal(found.fileGiven, false);
    assert.equal(recorded(found).configFile, undefined);

    const byOption = await resolveConfig({ configFile: given, env: () => undefined });
    assert.equal(byOption.fileGiven, true);
    assert.equal(recorded(byOption).configFile, given);

    const byVariable = await resolveConfig({
      env: (name) =>
        name === "CASEFILE_SENTINEL_CONFIG" ? given : name === "XDG_CONFIG_HOME" ? home : undefined,
    });
    assert.equal(recorded(byVariable).configFile, given);

    // Given explicitly, even at the usual place: the analyst named it, it is kept.
    const usualGiven = await resolveConfig({ configFile: usual, env: () => undefined });
    assert.equal(recorded(usualGiven).configFile, usual);
  } finally {
    await Deno.remove(home, { recursive: true });
    await Deno.remove(elsewhere, { recursive: true });
  }
});
