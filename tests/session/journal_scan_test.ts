// Reading a journal back, record by record, with journals written by hand: the line format
// (the record's JSON, then `"sum"`: the first 16 hex digits of its SHA-256) is computed here with
// node:crypto, independently of the module, and each record's shape is what the journal's
// writer (src/session/_journal.ts) produces. Found by `deno task mutate` on _journal_scan.ts.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { scanJournal } from "../../src/session/_journal_scan.ts";

const SHA = "ab".repeat(32);

/** Journal lines for `records`, numbered 1, 2, 3… and chained (each `prev` the line before). */
function journal(records: Record<string, unknown>[]): { text: string; sums: string[] } {
  let prev = "";
  const sums: string[] = [];
  const lines = records.map((r, i) => {
    const json = JSON.stringify({ ...r, seq: i + 1, prev });
    prev = createHash("sha256").update(json).digest("hex").slice(0, 16);
    sums.push(prev);
    return `${json.slice(0, -1)},"sum":"${prev}"}`;
  });
  return { text: lines.map((l) => `${l}\n`).join(""), sums };
}

const session = { type: "session", format: 1, name: "case" };
const params = { type: "params", definitions: {}, values: {} };
function step(position: number, extra: Record<string, unknown> = {}) {
  return {
    type: "step",
    position,
    name: `s${position}`,
    code: "1",
    kind: "query",
    status: "ok",
    revision: 0,
    ...extra,
  };
}

Deno.test("journal scan: every kind of step, result and mark a session writes is read whole", () => {
  const { text, sums } = journal([
    session,
    params,
    step(1, { kind: "value", result: { kind: "json" } }),
    step(2, { kind: "code", status: "error" }),
    step(3, { result: { kind: "frame", sha256: SHA } }),
    step(4, { result: { kind: "series", sha256: SHA } }),
    { type: "mark", position: 2, mark: "dead-end" },
    { type: "mark", position: 3, mark: "finding" },
    { type: "mark", position: 3, mark: "none" },
  ]);
  const scan = scanJournal(text);
  assert.equal(scan.damage, undefined);
  assert.equal(scan.records.length, 9);
  assert.equal(scan.unchained, 0);
  assert.equal(scan.lastSum, sums[8]);
  assert.deepEqual([...scan.sums.values()], sums);
});

Deno.test("journal scan: a checksummed record of the wrong shape is where the damage starts", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ ...params, values: 5 }, "a parameter record without definitions or values"],
    [{ ...params, definitions: [] }, "a parameter record without definitions or values"],
    [{ type: "mark", position: 1, mark: "important" }, "a mark without its position or mark"],
    [{ type: "mark", position: 0, mark: "finding" }, "a mark without its position or mark"],
    [step(1, { status: "pending" }), "step 1 without its name, code, kind or status"],
    [step(1, { kind: "chart" }), "step 1 without its name, code, kind or status"],
    [step(1, { revision: 0.5 }), "step 1 without its name, code, kind or status"],
    [step(1, { result: { kind: "chart" } }), "step 1 with a result of no known kind"],
    [step(1, { result: "frame" }), "step 1 with a result of no known kind"],
    [step(1, { result: { kind: "frame" } }), "step 1 with a table result without its SHA-256"],
    [
      step(1, { result: { kind: "series", sha256: "xyz" } }),
      "step 1 with a table result without its SHA-256",
    ],
    [step(3), "a step at position 3 after 1 steps"],
  ];
  for (const [bad, reason] of cases) {
    const { text, sums } = journal([session, step(1), bad, step(2)]);
    const scan = scanJournal(text);
    const label = JSON.stringify(bad);
    assert.equal(scan.damage?.reason, reason, label);
    assert.equal(scan.damage?.line, 3, label);
    assert.equal(scan.damage?.cutOff, false, label);
    assert.equal(scan.records.length, 2, label);
    assert.equal(scan.lastSum, sums[1], label);
    // Kept up to the damaged line: the first two lines, in bytes.
    assert.equal(scan.damage?.offset, text.split("\n").slice(0, 2).join("\n").length + 1, label);
  }
});

Deno.test("journal scan: damage on the first line loses every line, each described", () => {
  const { text } = journal([session, step(1, { name: "failures" }), {
    type: "mark",
    position: 1,
    mark: "finding",
  }]);
  // One flipped hex digit of the first line's checksum.
  const broken = text.replace(/"sum":"(.)/, (_, c) => `"sum":"${c === "0" ? "1" : "0"}`);
  const scan = scanJournal(broken);
  assert.equal(scan.records.length, 0);
  assert.equal(scan.lastSum, "");
  assert.deepEqual(scan.damage, {
    line: 1,
    offset: 0,
    reason: "checksum mismatch",
    cutOff: false,
    lost: [
      "record 1: the session record",
      "record 2: step 1 (failures)",
      "record 3: a mark of step 1",
    ],
  });
});

Deno.test("journal scan: a step line cut off before its position is described as step ?", () => {
  const { text } = journal([session, step(1)]);
  const cut = `${text}{"type":"step","seq":3,"na`;
  const scan = scanJournal(cut);
  assert.equal(scan.records.length, 2);
  assert.deepEqual(scan.damage?.lost, ["record 3: step ?"]);
  assert.equal(scan.damage?.cutOff, true);
  assert.equal(scan.damage?.line, 3);
  assert.equal(scan.damage?.offset, new TextEncoder().encode(text).length);
});
