// The journal's writer (src/session/_journal.ts), checked against what its format promises:
// each line is the record's JSON with `seq` (1, 2, 3… without a gap), `prev` (the `sum` of the
// line before, "" for the first) and `sum` (the first 16 hex digits of the SHA-256 of the line's
// JSON without it), computed here with node:crypto, independently of the module. The numbers in
// the reports (records written, steps) are counted by hand from what each test writes.
// Found by `deno task mutate src/session/_journal.ts` (issue 23).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import {
  decodeRecord,
  encodeRecord,
  Journal,
  type StepRecord,
} from "../../src/session/_journal.ts";
import { SessionError, SessionWriteError } from "../../src/session/errors.ts";
import { openSession } from "../../src/session/session.ts";
import { tempFolder } from "../_helpers.ts";

const mark = (position: number) => ({ type: "mark" as const, position, mark: "finding" as const });

function step(position: number, extra: Partial<StepRecord> = {}): StepRecord {
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
    ...extra,
  };
}

const sha16 = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

/** The lines of the journal at `path`, each parsed, with its `sum` checked by hand. */
async function lines(path: string): Promise<Record<string, unknown>[]> {
  const text = await Deno.readTextFile(path);
  assert.ok(text.endsWith("\n"), "every line ends with a newline");
  return text.slice(0, -1).split("\n").map((line) => {
    const m = /^(\{.*),"sum":"([0-9a-f]{16})"\}$/.exec(line);
    assert.ok(m, `line ends with its sum: ${line}`);
    assert.equal(m[2], sha16(`${m[1]}}`), "the sum is the SHA-256 of the line without it");
    return JSON.parse(line);
  });
}

Deno.test("journal writer: lines are numbered 1, 2, 3 and each names the sum of the one before", async () => {
  const dir = await tempFolder();
  const path = join(dir, "journal.jsonl");
  const { journal, contents } = await Journal.open(path);
  assert.deepEqual(contents, { records: [], problems: [] });
  const first = await journal.append(mark(1));
  const second = await journal.append(step(1));
  const third = await journal.append(mark(1));
  journal.close();
  assert.deepEqual([first.seq, second.seq, third.seq], [1, 2, 3]);
  const written = await lines(path);
  assert.deepEqual(written.map((l) => l.seq), [1, 2, 3]);
  assert.equal(written[0].prev, "");
  assert.equal(written[1].prev, written[0].sum);
  assert.equal(written[2].prev, written[1].sum);
  assert.equal(third.prev, written[1].sum);
  // The file and the head beside it are the analyst's only.
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(`${path}.head`)).mode! & 0o777, 0o600);
  assert.deepEqual(JSON.parse(await Deno.readTextFile(`${path}.head`)), {
    seq: 3,
    sum: written[2].sum,
    steps: 1,
  });
  // Reopened, appends chain on from the last line.
  const again = await Journal.open(path);
  assert.deepEqual(again.contents.problems, []);
  assert.deepEqual(again.contents.records.map((r) => r.seq), [1, 2, 3]);
  const fourth = await again.journal.append(step(2));
  again.journal.close();
  assert.equal(fourth.seq, 4);
  assert.equal(fourth.prev, written[2].sum);
  const after = await lines(path);
  assert.equal(after[3].prev, written[2].sum);
  assert.deepEqual(JSON.parse(await Deno.readTextFile(`${path}.head`)).steps, 2);
});

Deno.test("journal writer: a line encodes and decodes to the same record; a damaged one is named", () => {
  const record = { ...mark(2), seq: 7, prev: "0123456789abcdef", at: "2026-12-06T00:00:00.000Z" };
  const line = encodeRecord(record);
  const json = JSON.stringify(record);
  assert.equal(line, `${json.slice(0, -1)},"sum":"${sha16(json)}"}\n`);
  // A line as read from the file, without its newline.
  assert.deepEqual(decodeRecord(line.slice(0, -1)), record);
  const altered = line.slice(0, -1).replace('"position":2', '"position":3');
  assert.equal(typeof decodeRecord(altered), "string");
  assert.match(decodeRecord(altered) as string, /checksum/);
});

Deno.test("journal writer: secrets are redacted, but code keeps what only looks like a token", async () => {
  const dir = await tempFolder();
  const path = join(dir, "journal.jsonl");
  const { journal } = await Journal.open(path);
  // An analyst hunting for a leaked token searches for it; the query is what they wrote.
  const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl";
  const code = `AuditLogs | where TargetResources has "${jwt}"`;
  await journal.append(step(1, { code, params: { token: `Bearer ${jwt}` } }));
  journal.close();
  const [written] = await lines(path);
  assert.equal(written.code, code);
  assert.deepEqual(written.params, { token: "Bearer [redacted: token]" });
  assert.ok(!JSON.stringify(written.params).includes(jwt));
});

Deno.test("journal writer: a journal cut back on a line boundary reports the records and steps missing", async () => {
  const dir = await tempFolder();
  const path = join(dir, "journal.jsonl");
  const { journal } = await Journal.open(path);
  // 5 records, 3 of them steps (positions 1, 2, 3).
  await journal.append(step(1));
  await journal.append(step(2));
  await journal.append(mark(2));
  await journal.append(step(3));
  await journal.append(mark(3));
  journal.close();
  const text = await Deno.readTextFile(path);
  // Keep the first two lines: records 1–2, steps 1 and 2.
  await Deno.writeTextFile(path, text.split("\n").slice(0, 2).map((l) => `${l}\n`).join(""));
  const reopened = await Journal.open(path);
  reopened.journal.close();
  assert.deepEqual(reopened.contents.records.map((r) => r.seq), [1, 2]);
  assert.deepEqual(reopened.contents.problems, [
    "ends at record 2, but 5 were written (the session had 3 step(s); 2 remain): " +
    "records 3–5 are missing (the journal was truncated or emptied)",
  ]);
  // The report outlives this open.
  assert.match(await Deno.readTextFile(`${path}.damage.log`), /records 3–5 are missing/);
});

Deno.test("journal writer: a journal missing only its last record says so", async () => {
  const dir = await tempFolder();
  const path = join(dir, "journal.jsonl");
  const { journal } = await Journal.open(path);
  await journal.append(step(1));
  await journal.append(step(2));
  journal.close();
  const text = await Deno.readTextFile(path);
  await Deno.writeTextFile(path, `${text.split("\n")[0]}\n`);
  const reopened = await Journal.open(path);
  reopened.journal.close();
  assert.deepEqual(reopened.contents.problems, [
    "ends at record 1, but 2 were written (the session had 2 step(s); 1 remain): " +
    "records 2–2 are missing (the journal was truncated or emptied)",
  ]);
});

Deno.test("journal writer: a journal emptied by hand is reported, not taken for a new session", async () => {
  const dir = await tempFolder();
  const path = join(dir, "journal.jsonl");
  const { journal } = await Journal.open(path);
  await journal.append(mark(1));
  await journal.append(mark(2));
  journal.close();
  await Deno.writeTextFile(path, "");
  const reopened = await Journal.open(path);
  reopened.journal.close();
  assert.deepEqual(reopened.contents.records, []);
  assert.deepEqual(reopened.contents.problems, [
    "ends at record 0, but 2 were written (the session had 0 step(s); 0 remain): " +
    "records 1–2 are missing (the journal was truncated or emptied)",
  ]);
});

Deno.test("journal writer: the last record replaced by another whole, chained line is reported", async () => {
  const dir = await tempFolder();
  const path = join(dir, "journal.jsonl");
  const { journal } = await Journal.open(path);
  await journal.append(mark(1));
  await journal.append(mark(2));
  journal.close();
  // Rewrite line 2 as a valid line (right number, right chain, its own sum): only the head
  // knows it is not the one written.
  const [one] = await lines(path);
  const json = JSON.stringify({
    ...mark(5),
    seq: 2,
    prev: one.sum,
    at: "2026-12-06T00:00:00.000Z",
  });
  const text = await Deno.readTextFile(path);
  await Deno.writeTextFile(
    path,
    `${text.split("\n")[0]}\n${json.slice(0, -1)},"sum":"${sha16(json)}"}\n`,
  );
  const reopened = await Journal.open(path);
  reopened.journal.close();
  assert.deepEqual(reopened.contents.problems, [
    "record 2 is not the one written (altered or replaced)",
  ]);
});

Deno.test("journal writer: lines cut off by two crashes are both kept aside", async () => {
  const dir = await tempFolder();
  const path = join(dir, "journal.jsonl");
  const { journal } = await Journal.open(path);
  await journal.append(mark(1));
  journal.close();
  await Deno.writeTextFile(path, '{"type":"mark","position":2,"ma', { append: true });
  const first = await Journal.open(path);
  await first.journal.append(mark(2));
  first.journal.close();
  await Deno.writeTextFile(path, '{"type":"mark","position":3,"no', { append: true });
  const second = await Journal.open(path);
  second.journal.close();
  assert.deepEqual(second.contents.records.map((r) => r.seq), [1, 2]);
  assert.equal(
    await Deno.readTextFile(`${path}.damaged`),
    '{"type":"mark","position":2,"ma{"type":"mark","position":3,"no',
  );
});

Deno.test("journal writer: a damaged tail is set aside under a name every file system takes", async () => {
  const dir = await tempFolder();
  const path = join(dir, "journal.jsonl");
  const { journal } = await Journal.open(path);
  await journal.append(mark(1));
  await journal.append(mark(2));
  journal.close();
  const text = await Deno.readTextFile(path);
  await Deno.writeTextFile(path, text.replace('"position":1', '"position":4'));
  const { journal: j, contents } = await Journal.open(path);
  j.close();
  assert.deepEqual(contents.records, []);
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.includes("damaged"));
  assert.equal(names.length, 1);
  // No ':' (Windows, SMB shares): the time's separators are dashes.
  assert.match(names[0], /^journal\.jsonl\.damaged-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
});

Deno.test("journal writer: a folder where the journal should be is a clear session error", async () => {
  const dir = await tempFolder();
  const path = join(dir, "journal.jsonl");
  await Deno.mkdir(path);
  await assert.rejects(() => Journal.open(path), (e: unknown) => {
    assert.ok(e instanceof SessionError, String(e));
    assert.match(e.message, /is not a journal file/);
    assert.match(e.hint ?? "", /Move it away/);
    return true;
  });
});

Deno.test("journal writer: a damaged tail that cannot be set aside stops the open, losing nothing", async () => {
  const dir = await tempFolder();
  const path = join(dir, "journal.jsonl");
  const { journal } = await Journal.open(path);
  await journal.append(mark(1));
  journal.close();
  const cut = '{"type":"mark","position":2,"ma';
  await Deno.writeTextFile(path, cut, { append: true });
  const before = await Deno.readTextFile(path);
  await Deno.mkdir(`${path}.damaged`); // where the tail would go
  await assert.rejects(() => Journal.open(path), (e: unknown) => {
    assert.ok(e instanceof SessionWriteError, String(e));
    return true;
  });
  // Nothing was cut from the journal, since its tail could not be kept.
  assert.equal(await Deno.readTextFile(path), before);
});

Deno.test("journal writer: a session's journal starts with format 1; a newer format is refused", async () => {
  const home = await tempFolder();
  const session = await openSession("case1", { home });
  await session.close();
  const path = join(home, "sessions", "case1", "journal.jsonl");
  const [first] = await lines(path);
  assert.equal(first.type, "session");
  assert.equal(first.format, 1);
  // A journal from a future casefile (format 2), written by hand.
  const json = JSON.stringify({
    type: "session",
    format: 2,
    name: "case2",
    created: "2026-12-06T00:00:00.000Z",
    seq: 1,
    prev: "",
    at: "2026-12-06T00:00:00.000Z",
  });
  await Deno.mkdir(join(home, "sessions", "case2"));
  await Deno.writeTextFile(
    join(home, "sessions", "case2", "journal.jsonl"),
    `${json.slice(0, -1)},"sum":"${sha16(json)}"}\n`,
  );
  await assert.rejects(() => openSession("case2", { home }), (e: unknown) => {
    assert.ok(e instanceof SessionError, String(e));
    assert.match(e.message, /newer casefile \(journal format 2\)/);
    return true;
  });
});

Deno.test("journal writer: a journal from before records were chained opens with a note, not damage", async () => {
  const dir = await tempFolder();
  const path = join(dir, "journal.jsonl");
  // Two records as an older casefile wrote them: numbered and summed, no `prev`.
  const text = [mark(1), mark(2)].map((r, i) => {
    const json = JSON.stringify({ ...r, seq: i + 1, at: "2026-12-06T00:00:00.000Z" });
    return `${json.slice(0, -1)},"sum":"${sha16(json)}"}\n`;
  }).join("");
  await Deno.writeTextFile(path, text);
  const { journal, contents } = await Journal.open(path);
  const third = await journal.append(mark(3));
  journal.close();
  assert.deepEqual(contents.records.map((r) => r.seq), [1, 2]);
  assert.deepEqual(contents.problems, [
    "records 1–2 were written before records were chained: a line missing among them is " +
    "detected by its number, an altered one only by its checksum",
  ]);
  // A note about the format is no damage: nothing is logged, nothing set aside.
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  assert.deepEqual(names, ["journal.jsonl", "journal.jsonl.head"]);
  // The new record chains on from the last old one.
  assert.equal(third.seq, 3);
  assert.equal(
    third.prev,
    sha16(JSON.stringify({ ...mark(2), seq: 2, at: "2026-12-06T00:00:00.000Z" })),
  );
});
