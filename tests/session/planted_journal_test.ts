/**
 * Planted bug the suite let through (issue 23): after a journal found cut short, the next
 * record must continue the records kept (1, 2, then 3, chained to 2), not the number the
 * head file says was once written. Otherwise the journal itself turns damaged at the next
 * open and the analyst's new steps are set aside. Expected numbers counted by hand; sums
 * computed here with node:crypto, independently of the module.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { Journal, type StepRecord } from "../../src/session/_journal.ts";
import { openSession } from "../../src/session/session.ts";
import { tempFolder } from "../_helpers.ts";

function step(position: number): StepRecord {
  return {
    type: "step",
    position,
    revision: 1,
    name: `s${position}`,
    kind: "query",
    code: "SigninLogs | take 1",
    params: {},
    status: "ok",
    startedAt: "2026-12-06T00:00:00.000Z",
    durationMs: 1,
  };
}

const sha16 = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

Deno.test("journal: after a journal cut back to 2 of 5 records, the next record is 3, chained to 2", async () => {
  const dir = await tempFolder();
  const path = join(dir, "journal.jsonl");
  const { journal } = await Journal.open(path);
  for (let p = 1; p <= 5; p++) await journal.append(step(p));
  journal.close();
  const text = await Deno.readTextFile(path);
  const kept = text.split("\n").slice(0, 2);
  await Deno.writeTextFile(path, kept.map((l) => `${l}\n`).join(""));

  const damaged = await Journal.open(path);
  assert.equal(damaged.contents.records.length, 2);
  const third = await damaged.journal.append(step(3));
  damaged.journal.close();
  assert.equal(third.seq, 3);
  // Record 2's sum, by hand: the SHA-256 of its line without the sum.
  const line2 = /^(\{.*),"sum":"([0-9a-f]{16})"\}$/.exec(kept[1])!;
  assert.equal(third.prev, sha16(`${line2[1]}}`));

  // The journal reopens whole: records 1, 2, 3 and no new damage.
  const reopened = await Journal.open(path);
  reopened.journal.close();
  assert.deepEqual(reopened.contents.records.map((r) => r.seq), [1, 2, 3]);
  assert.deepEqual(reopened.contents.problems, []);
});

Deno.test("session: a step run after the journal was cut short survives the next open", async () => {
  const home = await tempFolder();
  const first = await openSession("cut", { home });
  await first.run("a", "1 + 1");
  await first.run("b", "2 + 2");
  await first.run("c", "3 + 3");
  await first.close();
  const path = join(home, "sessions", "cut", "journal.jsonl");
  const lines = (await Deno.readTextFile(path)).split("\n").filter((l) => l !== "");
  // Keep every line up to and including step a's record.
  const upTo = lines.findIndex((l) => /"type":"step".*"name":"a"/.test(l));
  assert.ok(upTo >= 0, "step a is in the journal");
  await Deno.writeTextFile(path, lines.slice(0, upTo + 1).map((l) => `${l}\n`).join(""));

  const second = await openSession("cut", { home, onNotice: () => {} });
  assert.deepEqual(second.steps().map((s) => s.record.name), ["a"]);
  await second.run("d", "4 + 4");
  await second.close();

  const notices: string[] = [];
  const third = await openSession("cut", { home, onNotice: (n: string) => notices.push(n) });
  try {
    assert.deepEqual(third.steps().map((s) => s.record.name), ["a", "d"]);
    assert.ok(
      !notices.some((n) => /set aside|belongs|chain broken/.test(n)),
      `no damage at the open after the repair: ${notices.join("\n")}`,
    );
  } finally {
    await third.close();
  }
});
