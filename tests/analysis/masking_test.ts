import assert from "node:assert/strict";
import { isIPv4 } from "node:net";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { columnValues, type DataFrame, pl, variantOf } from "../../src/polars.ts";
import { createMasker } from "../../src/analysis/masking.ts";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { assertOrdered, assertSameList, permutation, reversed, sha } from "../_order.ts";

const WELL_KNOWN = new Set([
  "system",
  "local service",
  "network service",
  "anonymous logon",
  "nt authority",
  "-",
  "::1",
  "127.0.0.1",
  "0.0.0.0",
  "workgroup",
  "builtin",
  "root",
  "admin",
  "administrator",
  "guest",
]);

/** Identifying values of a frame, gathered without the masker: the independent truth. */
function identifiers(frame: DataFrame, columns: string[]): Set<string> {
  const out = new Set<string>();
  const add = (v: string) => {
    const t = v.trim().toLowerCase();
    // Well-known SIDs (SYSTEM's S-1-5-18...) identify no one and stay.
    if (/^s-1-/.test(t) && !/^s-1-5-21-/.test(t)) return;
    if (t.length >= 4 && !WELL_KNOWN.has(t) && !/^(dwm|umfd)-\d+$/.test(t)) out.add(t);
  };
  for (const c of columns) {
    for (const v of columnValues<string | null>(frame, c)) {
      if (!v) continue;
      add(v);
      for (const part of v.split(/[\\@]/)) add(part.replace(/\$$/, ""));
      const dot = v.indexOf(".");
      if (dot > 0 && !isIPv4(v)) add(v.slice(0, dot));
    }
  }
  // And every email, IPv4 and domain SID written anywhere in the frame's text.
  for (const c of frame.columns) {
    if (variantOf(frame.getColumn(c).dtype) !== "Utf8") continue;
    for (const v of new Set(columnValues<string | null>(frame, c))) {
      if (!v) continue;
      for (
        const m of v.matchAll(
          /[\w.'-]+@[\w-]+(\.[\w-]+)+|S-1-5-21(-\d+){3,4}|\b(\d{1,3}\.){3}\d{1,3}\b/g,
        )
      ) {
        if (!m[0].includes(".") || !isIPv4(m[0]) || !WELL_KNOWN.has(m[0])) add(m[0]);
      }
    }
  }
  return out;
}

/** Cells of `frame` that contain any of `originals` (case-insensitive, as whole words). */
function remaining(frame: DataFrame, originals: Set<string>): string[] {
  const found: string[] = [];
  const words = [...originals];
  for (const c of frame.columns) {
    if (variantOf(frame.getColumn(c).dtype) !== "Utf8") continue;
    for (const v of new Set(columnValues<string | null>(frame, c))) {
      if (!v) continue;
      const lower = v.toLowerCase();
      for (const w of words) {
        const at = lower.indexOf(w);
        if (at < 0) continue;
        const before = lower[at - 1] ?? " ";
        const after = lower[at + w.length] ?? " ";
        if (/[\w-]/.test(before) || /[\w-]/.test(after)) continue;
        found.push(`${c}: ${w} in ${v.slice(0, 80)}`);
      }
    }
  }
  return found;
}

Deno.test("Masker.mask() leaves no account, host, address, email or SID of the demo case behind", async () => {
  const provider = await openLocalProvider();
  const signins = (await provider.query("SigninLogs")).frame;
  const events = (await provider.query(
    "SecurityEvent | where Computer startswith 'LKS-WS-1042' and EventID in (4624, 4688, 4720, 4732)",
  )).frame;
  const hosts = (await provider.query("Heartbeat | distinct Computer, ComputerIP")).frame;
  const masker = createMasker();
  masker.learn(hosts);
  const maskedSignins = masker.mask(signins);
  const maskedEvents = masker.mask(events);
  const truthSignins = identifiers(signins, [
    "UserPrincipalName",
    "IPAddress",
    "UserDisplayName",
    "AlternateSignInName",
  ]);
  const truthEvents = identifiers(events, [
    "Computer",
    "Account",
    "SubjectUserName",
    "TargetUserName",
    "IpAddress",
    "SubjectUserSid",
    "TargetUserSid",
    "WorkstationName",
    "SubjectDomainName",
    "TargetDomainName",
  ]);
  assert.ok(truthSignins.has(ANSWER_KEY.victim.upn) && truthSignins.has("203.0.113.45"));
  assert.ok(truthEvents.has("daniel.reyes") && truthEvents.has("lks-ws-1042"));
  assert.deepEqual(remaining(maskedSignins, truthSignins), []);
  assert.deepEqual(remaining(maskedEvents, truthEvents), []);
  // The masker's own check agrees.
  assert.equal(masker.findUnmasked(maskedSignins).height, 0);
  assert.equal(masker.findUnmasked(maskedEvents).height, 0);
  // Nothing else changed: same shape, same times.
  assert.deepEqual(maskedEvents.columns, events.columns);
  assert.equal(maskedEvents.height, events.height);
  assert.deepEqual(
    columnValues(maskedEvents, "TimeGenerated"),
    columnValues(events, "TimeGenerated"),
  );
  // Inside command lines too: the file server in the lateral movement's copy.
  const copy = maskedEvents.filter(
    pl.col("CommandLine").str.contains("wsh.exe").and(pl.col("CommandLine").str.contains("copy")),
  )
    .getColumn("CommandLine").toArray()[0] as string;
  assert.ok(copy.includes(`\\\\${masker.token("host", "LKS-FS01")}\\C$`), copy);
});

Deno.test("Masker tokens are consistent within a session and differ across sessions", async () => {
  const provider = await openLocalProvider();
  const signins = (await provider.query(
    "SigninLogs | where UserPrincipalName == 'daniel.reyes@larkspurlogistics.example'",
  )).frame;
  const office = (await provider.query(
    "OfficeActivity | where UserId == 'daniel.reyes@larkspurlogistics.example'",
  )).frame;
  const masker = createMasker({ key: "case-42" });
  const a = new Set(columnValues<string>(masker.mask(signins), "UserPrincipalName"));
  const b = new Set(columnValues<string>(masker.mask(office), "UserId"));
  assert.equal(a.size, 1);
  assert.deepEqual(a, b, "the same person in two tables gets one token");
  const again = createMasker({ key: "case-42" }).token("email", ANSWER_KEY.victim.upn);
  assert.equal(again, [...a][0], "the same key repeats the masking");
  const other = createMasker().token("email", ANSWER_KEY.victim.upn);
  assert.notEqual(other, again);
  // The account in DOMAIN\user form and in the UPN share the user part.
  const sam = masker.token("account", "LARKSPUR\\daniel.reyes");
  assert.equal(sam.split("\\")[1], again.split("@")[0]);
});

Deno.test("Masker keeps the shape of what it replaces, in columns and in free text", () => {
  const masker = createMasker({ key: "shape" });
  const frame = pl.DataFrame({
    IpAddress: ["10.20.4.42", "203.0.113.45", "2001:db8::7", "::1", "-"],
    Account: ["CORP\\alice", "NT AUTHORITY\\SYSTEM", "bob@example.org", "LKS-WS-9$", "alice"],
    TargetUserSid: [
      "S-1-5-21-111-222-333-1104",
      "S-1-5-18",
      "S-1-5-21-111-222-333-500",
      "S-1-5-32-544",
      "S-1-5-21-111-222-333-1104",
    ],
    CommandLine: [
      "ping 2001:db8::7 && net use \\\\198.51.100.7\\c$ /user:CORP\\alice",
      "mail bob@example.org from 10.20.4.42 at 12:30:15",
      "whoami /user  S-1-5-21-111-222-333-1104",
      "nothing to see",
      "alice ran it; malice did not",
    ],
  });
  const m = masker.mask(frame).toRecords();
  const ip = m.map((r) => r.IpAddress as string);
  assert.match(ip[0], /^10\.\d+\.\d+\.\d+$/);
  assert.ok(Number(ip[1].split(".")[0]) >= 240 && isIPv4(ip[1]));
  assert.match(ip[2], /^fd[0-9a-f]{2}:/);
  assert.deepEqual(ip.slice(3), ["::1", "-"]);
  assert.match(m[0].Account as string, /^DOM-[0-9A-F]{6}\\user-[0-9a-f]{8}$/);
  assert.equal(m[1].Account, "NT AUTHORITY\\SYSTEM");
  assert.match(m[2].Account as string, /^user-[0-9a-f]{8}@dom-[0-9a-f]{6}\.invalid$/);
  assert.match(m[3].Account as string, /^host-[0-9a-f]{8}\$$/);
  assert.equal(m[4].Account, (m[0].Account as string).split("\\")[1]);
  const sid = m.map((r) => r.TargetUserSid as string);
  assert.match(sid[0], /^S-1-5-21-\d+-\d+-\d+-\d+$/);
  assert.equal(sid[4], sid[0]);
  assert.ok(sid[2].endsWith("-500"), "well-known RIDs stay");
  assert.deepEqual(sid.slice(1, 2).concat(sid.slice(3, 4)), ["S-1-5-18", "S-1-5-32-544"]);
  const cmd = m.map((r) => r.CommandLine as string);
  assert.ok(
    cmd[0].startsWith(`ping ${ip[2]} && net use \\\\`) && cmd[0].endsWith(`/user:${m[0].Account}`),
    cmd[0],
  );
  assert.equal(cmd[1], `mail ${m[2].Account} from ${ip[0]} at 12:30:15`);
  assert.equal(cmd[2], `whoami /user  ${sid[0]}`);
  assert.equal(cmd[3], "nothing to see");
  assert.equal(cmd[4], `${m[4].Account} ran it; malice did not`);
});

Deno.test("Masker.findUnmasked() catches an original put back", () => {
  const masker = createMasker();
  const frame = pl.DataFrame({ UserPrincipalName: ["carol@example.org"], Note: ["x"] });
  const masked = masker.mask(frame);
  assert.equal(masker.findUnmasked(masked).height, 0);
  const leaked = masked.withColumn(
    pl.lit("forwarded by CAROL@example.org to 192.0.2.55").alias("Note"),
  );
  const leaks = masker.findUnmasked(leaked).toRecords();
  assert.equal(leaks.length, 1);
  assert.equal(leaks[0].column, "Note");
  assert.equal(String(leaks[0].found).toLowerCase(), "carol@example.org");
  // An address it never saw is still caught by its shape.
  const stray = masked.withColumn(pl.lit("from 192.0.2.55").alias("Note"));
  assert.equal(masker.findUnmasked(stray).toRecords()[0].found, "192.0.2.55");
});

Deno.test("Masker.mask() keeps the rows' order, and its tokens do not depend on it", () => {
  // 20,000 private addresses: their tokens (24 bits) are bound to collide, and a collision
  // is settled by which address is masked first.
  const ips = Array.from(
    { length: 20_000 },
    (_, i) => `10.${(i * 7919) % 251}.${(i * 104729) % 253}.${i % 250}`,
  );
  const distinct = [...new Set(ips)];
  const inOrder = (list: string[]) => {
    const m = createMasker({ key: "order" });
    return new Map(list.map((ip) => [ip, m.token("ip", ip)]));
  };
  const ascending = inOrder([...distinct].sort());
  const descending = inOrder([...distinct].sort().reverse());
  const settled = distinct.filter((ip) => ascending.get(ip) !== descending.get(ip)).length;
  assert.ok(settled > 0, "the data must have colliding tokens");

  const frame = pl.DataFrame({
    EventId: ips.map((_, i) => i),
    IpAddress: ips,
    Message: ips.map((ip, i) => `connection ${i} from ${ip}`),
  });
  const masked = createMasker({ key: "order" }).mask(frame);
  assertSameList(columnValues<number>(masked, "EventId"), columnValues<number>(frame, "EventId"));
  // Values are masked in sorted order: every token is the one given in ascending order.
  const tokens = columnValues<string>(masked, "IpAddress");
  ips.forEach((ip, i) => assert.equal(tokens[i], ascending.get(ip), ip));
  // Rows in another order: the same rows come back, in that order, with the same tokens.
  const order = permutation(frame.height, 9);
  const again = createMasker({ key: "order" }).mask(frame.select(pl.all().gather(order)));
  assert.equal(sha(again), sha(masked.select(pl.all().gather(order))));
  assert.equal(sha(createMasker({ key: "order" }).mask(frame)), sha(masked), "a second run");
});

Deno.test("Masker learns a name seen as two kinds the same way, whatever the rows' order", () => {
  // "WS01" is a host (CORP\WS01$) and an account (ws01): the sorted first sighting decides,
  // among enough other names that Polars' distinct values come in varying orders.
  const accounts = [
    ...Array.from({ length: 3000 }, (_, i) => `user${i}`),
    "ws01",
    "CORP\\WS01$",
  ];
  const frame = pl.DataFrame({ Account: accounts, Note: accounts.map(() => "ran on WS01") });
  const masked = createMasker({ key: "kinds" }).mask(frame);
  assert.match(masked.getColumn("Note").get(0) as string, /^ran on host-[0-9a-f]{8}$/);
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const order = permutation(frame.height, seed);
    const again = createMasker({ key: "kinds" }).mask(frame.select(pl.all().gather(order)));
    assert.equal(sha(again), sha(masked.select(pl.all().gather(order))), `order ${seed}`);
  }
});

Deno.test("Masker.findUnmasked() lists leaks by column, then by value", () => {
  const masker = createMasker({ key: "leaks" });
  const frame = pl.DataFrame({
    UserPrincipalName: ["zed@example.org", "amy@example.org", "bob@example.org"],
    Note: ["x", "y", "z"],
    Body: ["x", "y", "z"],
  });
  const masked = masker.mask(frame);
  const leaked = masked.withColumns(
    pl.Series("Note", ["to zed@example.org", "from 192.0.2.9", "to amy@example.org"]),
    pl.Series("Body", ["from 192.0.2.9", "cc bob@example.org", "to amy@example.org"]),
  );
  const leaks = masker.findUnmasked(leaked);
  assert.equal(leaks.height, 6);
  const rank = new Map(leaked.columns.map((c, i) => [c, i]));
  assertOrdered(leaks, [{ column: "column", map: (c) => rank.get(c as string) }, "value"], {
    strict: true,
  });
  assert.deepEqual(columnValues<string>(leaks, "column"), [
    "Note",
    "Note",
    "Note",
    "Body",
    "Body",
    "Body",
  ]);
  assert.equal(sha(masker.findUnmasked(reversed(leaked))), sha(leaks));
  assert.equal(sha(masker.findUnmasked(leaked)), sha(leaks), "a second run");
});
