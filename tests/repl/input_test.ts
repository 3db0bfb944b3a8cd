import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import { join } from "node:path";
import readline from "node:readline";
import { PassThrough } from "node:stream";
import {
  classifyInput,
  continuedInput,
  extendKqlInput,
  inputKind,
  isCompleteKql,
  kqlInputText,
  mayContinueWithPipe,
  parseKqlInput,
  sentinelQuery,
  sentinelQueryTable,
  splitKql,
  tableInPlay,
} from "../../repl/_input.ts";
import { pastedInput, PasteReader } from "../../repl/_paste.ts";
import {
  addHistoryEntry,
  appendHistory,
  decodeHistoryEntry,
  encodeHistoryEntry,
  historyEntry,
  loadHistory,
} from "../../repl/_history.ts";
import { typescript } from "../../repl/_transform.ts";
import { ReplError } from "../../repl/errors.ts";
import { tempDir } from "../_helpers.ts";

const ts = await typescript();

Deno.test("inputKind() tells commands, %kql and TypeScript apart", () => {
  assertEquals(inputKind("   "), "empty");
  assertEquals(inputKind(".history"), "command");
  assertEquals(inputKind("  .rerun 3 upn=x"), "command");
  assertEquals(inputKind("%kql SigninLogs | take 3"), "kql");
  assertEquals(inputKind("%kql"), "kql");
  assertEquals(inputKind("%kqlx = 1"), "ts");
  assertEquals(inputKind(".5 + 1"), "ts");
  assertEquals(inputKind("const x = 1"), "ts");
  assertEquals(inputKind("frame\n.head(3)"), "ts");
});

Deno.test("classifyInput() continues TypeScript while it is incomplete", () => {
  const complete = (text: string) => classifyInput(text, ts).complete;
  assertEquals(complete("const x = 1"), true);
  assertEquals(complete("function f() {"), false);
  assertEquals(complete("function f() {\n  return 1;\n}"), true);
  assertEquals(complete("foo(1,"), false);
  assertEquals(complete("const x ="), false);
  assertEquals(complete("[1, 2,"), false);
  assertEquals(complete("`a template\nover lines"), false);
  assertEquals(complete("/* a comment"), false);
  assertEquals(complete("frame."), false);
  // A syntax error before the end is complete: it is shown, not waited on.
  assertEquals(complete("let x = 1 +* 2"), true);
  assertEquals(complete('"unterminated'), true);
  assertEquals(complete(".history"), true);
});

Deno.test("classifyInput() continues KQL on open brackets, quotes and a trailing pipe", () => {
  const complete = (text: string) => classifyInput(text, ts).complete;
  assertEquals(complete("%kql SigninLogs | take 3"), true);
  assertEquals(complete("%kql SigninLogs |"), false);
  assertEquals(complete("%kql s = SigninLogs\n| where ResultType == '50126' |"), false);
  assertEquals(complete("%kql s = SigninLogs\n| where ResultType == '50126' |\n count"), true);
  assertEquals(complete("%kql T | where A in ("), false);
  // KQL strings do not span lines: an open quote runs (and the parser names it), rather
  // than gluing the next line (a command, the next step) into the query.
  assertEquals(complete('%kql T | where A == "open'), true);
  assertEquals(complete("%kql T | where A in ('x"), true);
  assertEquals(complete("%kql T | where A == 'it''s' |"), false);
  assertEquals(complete('%kql T | where A == "a|b" // trailing |'), true);
  assertEquals(complete("%kql T | summarize count() by A,"), false);
  assertEquals(complete("%kql let x = 1;"), false);
  assertEquals(complete("%kql T | where ${[1,\n2]}"), true);
  assertEquals(complete("%kql T | where A == ${ips"), false);
});

Deno.test("a %kql line with no query starts a block that an empty line ends", () => {
  const complete = (text: string) => classifyInput(text, ts).complete;
  assertEquals(complete("%kql spray ="), false);
  assertEquals(complete("%kql spray =\nSigninLogs"), false);
  assertEquals(complete("%kql spray =\nSigninLogs\n| count"), false);
  assertEquals(complete("%kql spray =\nSigninLogs\n| count\n"), true);
  assertEquals(complete("%kql\nSigninLogs\n  "), true);
});

Deno.test("isCompleteKql() reads verbatim strings and ``` blocks", () => {
  assertEquals(isCompleteKql('T | where P has @"C:\\Temp\\"'), true);
  assertEquals(isCompleteKql("print x = ```multi"), false);
  assertEquals(isCompleteKql("print x = ```multi\nline```"), true);
  assertEquals(isCompleteKql("T | where a > 1 and"), false);
});

Deno.test("parseKqlInput() reads the name and the query", () => {
  assertEquals(parseKqlInput("%kql spray = SigninLogs | count"), {
    name: "spray",
    query: "SigninLogs | count",
  });
  assertEquals(parseKqlInput("%kql SigninLogs | count"), { query: "SigninLogs | count" });
  assertEquals(parseKqlInput("%kql x == 1"), { query: "x == 1" });
  assertEquals(parseKqlInput("%kql a =\nSigninLogs\n| take 1\n"), {
    name: "a",
    query: "SigninLogs\n| take 1",
  });
});

Deno.test("splitKql() finds ${expressions} and {{parameters}}", () => {
  assertEquals(splitKql("T | where A == ${x.y} and B == {{upn}} | where C > {{window.start}}"), [
    { kind: "text", text: "T | where A == " },
    { kind: "expr", source: "x.y", offset: 17 },
    { kind: "text", text: " and B == " },
    { kind: "param", name: "upn", part: undefined },
    { kind: "text", text: " | where C > " },
    { kind: "param", name: "window", part: "start" },
  ]);
  assertEquals(splitKql('print s = \'$${x}\', d = dynamic({"a":{"b":1}})'), [
    { kind: "text", text: 'print s = \'${x}\', d = dynamic({"a":{"b":1}})' },
  ]);
  assertEquals(splitKql("T | where A in (${f({ a: '}' })})")[1], {
    kind: "expr",
    source: "f({ a: '}' })",
    offset: 18,
  });
  assertThrows(() => splitKql("T | where A == ${x"), ReplError);
});

Deno.test("tableInPlay() is the first table the query names", () => {
  const tables = ["SigninLogs", "SecurityAlert"];
  assertEquals(tableInPlay("SigninLogs | where x", tables), "SigninLogs");
  assertEquals(tableInPlay("let t = 1; SecurityAlert | join SigninLogs", tables), "SecurityAlert");
  assertEquals(tableInPlay("print 1", tables), undefined);
});

Deno.test("a line starting with | is a pipe input, complete as a KQL line is", () => {
  assertEquals(inputKind("| where ResultType == '50126'"), "pipe");
  assertEquals(inputKind("   | take 5"), "pipe");
  assertEquals(classifyInput("| take 5", ts), { kind: "pipe", complete: true });
  assertEquals(classifyInput("| where A in (", ts), { kind: "pipe", complete: false });
  assertEquals(classifyInput("| where A in (\n1, 2)", ts), { kind: "pipe", complete: true });
  assertEquals(classifyInput("| summarize n = count() by", ts).complete, true);
  assertEquals(classifyInput("| summarize n = count(),", ts).complete, false);
  // Inside TypeScript that is still open, a | line is TypeScript.
  assertEquals(classifyInput("const x = (a\n| b)", ts), { kind: "ts", complete: true });
});

Deno.test("continuedInput() takes a next | line into a %kql query, a | line or a table name", () => {
  const tables = ["SigninLogs", "AuditLogs"];
  const where = '| where ResultType == "50126"';
  assertEquals(
    continuedInput("%kql spray = SigninLogs", where, tables),
    "%kql spray = SigninLogs",
  );
  assertEquals(continuedInput("%kql SigninLogs", `  ${where}`, tables), "%kql SigninLogs");
  // A %kql name = block (ended by its empty line) goes on in the one-line form.
  assertEquals(
    continuedInput("%kql spray =\nSigninLogs\n| take 3\n", "| count", tables),
    "%kql spray = SigninLogs\n| take 3",
  );
  assertEquals(continuedInput("| take 3", "| count", tables), "| take 3");
  // The Sentinel style: a table's name, then | lines.
  assertEquals(continuedInput("SigninLogs", where, tables), "%kql SigninLogs");
  assertEquals(continuedInput("  AuditLogs ", "| take 1", tables), "%kql AuditLogs");
  // Table names are matched as the provider spells them.
  assertEquals(continuedInput("signinlogs", where, tables), undefined);
  assertEquals(continuedInput("spray", where, tables), undefined);
  // A next line that does not start with | never joins.
  assertEquals(continuedInput("%kql spray = SigninLogs", "spray.height", tables), undefined);
  assertEquals(continuedInput("SigninLogs", "SigninLogs + 1", tables), undefined);
  assertEquals(continuedInput("SigninLogs", "", tables), undefined);
  assertEquals(continuedInput(".tables", "| take 1", tables), undefined);
  assertEquals(continuedInput("const x = 1", "| take 1", tables), undefined);
});

Deno.test("mayContinueWithPipe(): only queries and lone words wait for the next line", () => {
  assertEquals(mayContinueWithPipe("%kql spray = SigninLogs"), true);
  assertEquals(mayContinueWithPipe("| take 3"), true);
  assertEquals(mayContinueWithPipe("SigninLogs"), true);
  assertEquals(mayContinueWithPipe("const x = 1"), false);
  assertEquals(mayContinueWithPipe("x + 1"), false);
  assertEquals(mayContinueWithPipe(".history"), false);
  assertEquals(mayContinueWithPipe(""), false);
});

Deno.test("sentinelQuery() makes a pasted table-first query a %kql input, nothing else", () => {
  const tables = ["SigninLogs", "AuditLogs"];
  const query = 'SigninLogs\n| where ResultType == "50126"\n| take 5';
  assertEquals(sentinelQueryTable(query), "SigninLogs");
  assertEquals(sentinelQuery(query, tables), `%kql ${query}`);
  assertEquals(sentinelQuery(`\n${query}\n`, tables), `%kql ${query}`);
  assertEquals(sentinelQuery("SigninLogs\n  | take 5", tables), "%kql SigninLogs\n  | take 5");
  // No | line, another spelling, not a table, or TypeScript: left alone.
  assertEquals(sentinelQueryTable("SigninLogs"), undefined);
  assertEquals(sentinelQuery("SigninLogs", tables), undefined);
  assertEquals(sentinelQuery("SigninLogs\nSigninLogs + 1", tables), undefined);
  assertEquals(sentinelQuery("signinlogs\n| take 5", tables), undefined);
  assertEquals(sentinelQuery("spray\n| take 5", tables), undefined);
  assertEquals(sentinelQuery("const SigninLogs = 1\n| 2", tables), undefined);
  assertEquals(sentinelQuery("SigninLogs | take 5", tables), undefined);
});

Deno.test("extendKqlInput() adds | lines to a query under the same name", () => {
  const base = parseKqlInput('%kql spray = SigninLogs | where ResultType == "50126"');
  const extended = extendKqlInput(base, "  | summarize n = count() by IPAddress\n| top 3 by n ");
  assertEquals(extended, {
    name: "spray",
    query:
      'SigninLogs | where ResultType == "50126"\n| summarize n = count() by IPAddress\n| top 3 by n',
  });
  assertEquals(
    kqlInputText(extended),
    '%kql spray = SigninLogs | where ResultType == "50126"\n| summarize n = count() by IPAddress\n| top 3 by n',
  );
  assertEquals(kqlInputText(extendKqlInput({ query: "T" }, "| take 1")), "%kql T\n| take 1");
  // The text it makes reads back as the same input.
  assertEquals(parseKqlInput(kqlInputText(extended)), extended);
});

Deno.test("PasteReader picks a bracketed paste out of keypresses (Deno's and Node's markers)", () => {
  // As Deno's node:readline decodes `ESC [200~ %kql a = T CR | take 1 ESC [201~`: the marker
  // without its ~, then ~ as a key of its own.
  const reader = new PasteReader();
  const feed = (s: string | undefined, sequence = s, name?: string) =>
    reader.feed(s, { sequence, name });
  assertEquals(feed("x"), { kind: "key" });
  assertEquals(feed(undefined, "\x1b[200"), { kind: "held" });
  assertEquals(reader.pasting, true);
  assertEquals(feed("~"), { kind: "held" });
  for (const c of "%kql a = T\r| take\t1") assertEquals(feed(c).kind, "held");
  assertEquals(feed(undefined, "\x1b[201"), { kind: "pasted", text: "%kql a = T\r| take\t1" });
  assertEquals(reader.pasting, false);
  assertEquals(feed("~"), { kind: "held" });
  // A ~ typed later is a key again.
  assertEquals(feed("~"), { kind: "key" });
  // An escape sequence inside a paste is kept as its text.
  feed(undefined, "\x1b[200~", "paste-start");
  feed(undefined, "\x1b[A", "up");
  assertEquals(feed(undefined, "\x1b[201~", "paste-end"), { kind: "pasted", text: "\x1b[A" });
  assertEquals(feed("~"), { kind: "key" });
  // Keys that only look like markers are keys.
  assertEquals(feed(undefined, "\x1b[20~", "f9"), { kind: "key" });
});

Deno.test("pastedInput() makes a pasted block one input", () => {
  assertEquals(
    pastedInput('%kql spray = SigninLogs\r| where ResultType == "50126"\r| count\r'),
    '%kql spray = SigninLogs\n| where ResultType == "50126"\n| count',
  );
  assertEquals(pastedInput("\r\n\r\nconst a = [1,\r\n  2]\r\n\r\n"), "const a = [1,\n  2]");
  // A %kql name = block is ended by the paste's end: one empty last line.
  assertEquals(
    pastedInput("%kql s =\nSigninLogs\n| take 3\n\n\n"),
    "%kql s =\nSigninLogs\n| take 3\n",
  );
  assertEquals(classifyInput(pastedInput("%kql s =\nSigninLogs\n| take 3"), ts).complete, true);
  assertEquals(pastedInput("x + 1"), "x + 1");
});

Deno.test("history entries: multi-line inputs round-trip one file line each; old lines read", () => {
  const entries = [
    "const t = `a\nb\\n`",
    '%kql spray = SigninLogs\n| where UserAgent has "\\\\"\n| count',
    "C:\\new\\table",
    "plain",
  ];
  for (const entry of entries) {
    const line = encodeHistoryEntry(entry);
    assertEquals(line.includes("\n"), false, line);
    assertEquals(decodeHistoryEntry(line), entry);
  }
  assertEquals(encodeHistoryEntry("a\nb\\n"), "a\\nb\\\\n");
  // A line written before multi-line entries (backslashes doubled, no newline) reads as it was.
  assertEquals(decodeHistoryEntry('"a\\\\nb"'), '"a\\nb"');
});

Deno.test("historyEntry() keeps inputs as they run, a %kql block in its one-line form", () => {
  assertEquals(historyEntry("const x = [1,\n2]\n"), "const x = [1,\n2]");
  assertEquals(historyEntry("%kql s =\nSigninLogs\n| take 3\n"), "%kql s = SigninLogs\n| take 3");
  assertEquals(historyEntry("%kql\nSigninLogs\n| take 3\n"), "%kql SigninLogs\n| take 3");
  assertEquals(historyEntry("%kql s = SigninLogs\n| take 3"), "%kql s = SigninLogs\n| take 3");
  // Recalled, the entry is complete: Enter runs it.
  assertEquals(classifyInput(historyEntry("%kql s =\nSigninLogs\n| take 3\n"), ts).complete, true);
  assertEquals(addHistoryEntry(["b", "a"], "a"), ["a", "b"]);
  assertEquals(addHistoryEntry(["b"], "x\ny"), ["x\ny", "b"]);
  assertEquals(addHistoryEntry(["b"], "  "), ["b"]);
});

Deno.test("loadHistory() reads multi-line entries and old one-line files, newest first", async () => {
  const dir = await tempDir();
  const session = join(dir, "session-history");
  const global = join(dir, "history");
  await Deno.writeTextFile(global, "old line\nx \\\\ y\n");
  await appendHistory([session, global], "%kql s = SigninLogs\n| take 3");
  await appendHistory([session, global], "const a = [1,\n2]");
  assertEquals(await loadHistory([session, global]), [
    "const a = [1,\n2]",
    "%kql s = SigninLogs\n| take 3",
    "x \\ y",
    "old line",
  ]);
  assertEquals((await Deno.stat(session)).mode! & 0o777, 0o600);
});

Deno.test("PasteReader reads a paste as node:readline decodes the terminal's bytes", async () => {
  const input = new PassThrough();
  readline.emitKeypressEvents(input);
  const reader = new PasteReader();
  const keys: string[] = [];
  const pasted: string[] = [];
  // The last key typed is the event to wait for (no delay).
  let lastKey!: () => void;
  const done = new Promise<void>((resolve) => lastKey = resolve);
  input.on("keypress", (s: string | undefined, key: { sequence?: string; name?: string }) => {
    const step = reader.feed(s, key);
    if (step.kind === "key") keys.push(s ?? key.sequence ?? "");
    if (step.kind === "pasted") pasted.push(step.text);
    if (keys.at(-1) === "~") lastKey();
  });
  const block = '%kql spray = SigninLogs\r| where ResultType == "50126"\r| count\r';
  input.write(`ab\x1b[200~${block}\x1b[201~c~`);
  await done;
  assertEquals(pasted, [block]);
  assertEquals(keys, ["a", "b", "c", "~"]);
  assertEquals(
    pastedInput(pasted[0]),
    '%kql spray = SigninLogs\n| where ResultType == "50126"\n| count',
  );
  input.destroy();
});
