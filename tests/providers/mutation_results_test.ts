/**
 * A datetime or timespan cell the service sent out of shape is refused, never read by position
 * (src/providers/sentinel/_results.ts `readIsoUtc`, `readClock`). Two mutants the README had
 * called equivalent were not: a positional reader that checks the wrong separator character
 * (`45 → 44` at the year's dash) or reads the fraction one place late (`8 → 9`) returned NaN
 * for good text, which the KQL reader then read right, but read malformed text
 * (`2026,03-12…`, `01:02:03x.5`) as a value. Expected values by hand: ISO 8601 separates the
 * year with `-`, Kusto's timespan text is `[-][d.]hh:mm:ss[.fffffff]`, and the provider refuses
 * an answer holding a cell that does not fit its column (issue 23).
 */
import assert from "node:assert/strict";
import { startLogAnalyticsService } from "../twins/log_analytics/mod.ts";
import { MalformedResponseError } from "../../src/providers/sentinel/sentinel_provider.ts";
import { readWireDatetime, readWireTimespan } from "../../src/providers/sentinel/_results.ts";
import { openTwinProvider } from "./_twin_provider.ts";

Deno.test("mutation/results: a datetime with a wrong separator is refused, a good one read", () => {
  for (
    const bad of [
      "2026,03-12T01:47:13Z",
      "2026-03,12T01:47:13Z",
      "2026-03-12T01,47:13Z",
      "2026-03-12T01:47,13Z",
      "2026-03-12T01:47:13,5Z",
    ]
  ) {
    assert.equal(readWireDatetime(bad), undefined, bad);
  }
  // 2026-03-12 is day 20524 since 1970-01-01 (56 years with 14 leap days, plus 70 days).
  assert.equal(readWireDatetime("2026-03-12T01:47:13Z"), (20_524 * 86_400 + 6_433) * 1e6);
});

Deno.test("mutation/results: a timespan with junk before its fraction is refused", () => {
  for (const bad of ["01:02:03x.5", "01:02:03..5", "01:02:03.5x", "01:02:03:5", "01:02:0"]) {
    assert.equal(readWireTimespan(bad), undefined, bad);
  }
  // By hand: 1 h 2 min 3.5 s, and one day more.
  assert.equal(readWireTimespan("01:02:03.5"), 3_723_500_000);
  assert.equal(readWireTimespan("1.01:02:03.5"), 90_123_500_000);
});

Deno.test("mutation/results: the provider refuses an answer with a malformed datetime", async () => {
  const service = await startLogAnalyticsService();
  const provider = await openTwinProvider(service);
  try {
    service.inject({
      kind: "malformed",
      body: JSON.stringify({
        tables: [{
          name: "PrimaryResult",
          columns: [{ name: "TimeGenerated", type: "datetime" }],
          rows: [["2026-03-12T01:47:13Z"], ["2026,03-12T01:47:13Z"]],
        }],
      }),
    });
    const error = await provider.query("SecurityEvent | take 2").then(() => undefined, (e) => e);
    assert.ok(error instanceof MalformedResponseError, `expected a refusal, got ${error}`);
    assert.match(error.message, /TimeGenerated is declared datetime but row 1 holds/);
    assert.ok(!error.message.includes(service.token));
  } finally {
    provider.close();
    await service.close();
  }
});
