import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { ProgressStatus } from "../../repl/_progress.ts";

Deno.test("the REPL's status counts a retry's wait down, then tells windows and rows so far", () => {
  const status = new ProgressStatus();
  assertEquals(status.text(0), "");
  // A 60 s throttle wait, as the Sentinel provider reports it.
  const event = status.update({
    elapsedMs: 1200,
    retry: { reason: "throttled (429)", waitMs: 60_000, attempt: 1 },
    message: "throttled (429), retrying in 60 s",
  }, 1000);
  assertEquals(event, "throttled (429), retrying in 60 s");
  assertEquals(status.text(1000), "throttled (429), retrying in 60 s");
  // 15.5 s later, 44.5 s are left: shown as 45 s; a tick (no event) keeps the countdown.
  assertEquals(status.update({ elapsedMs: 16_700 }, 16_500), undefined);
  assertEquals(status.text(16_500), "throttled (429), retrying in 45 s");
  assertEquals(status.text(61_000), "throttled (429), retry 1 sent");
  // A split: windows done of those known, rows so far; the retry behind it is dropped.
  status.update({ elapsedMs: 70_000, window: { index: 3, count: 8 }, rows: 12_345 }, 70_000);
  assertEquals(status.text(70_000), "3 of 8 windows done · 12,345 rows so far");
  status.reset();
  status.update({ elapsedMs: 10, message: "splitting: it was cut at the service's limit" }, 0);
  assertEquals(status.text(0), "splitting: it was cut at the service's limit");
});
