/**
 * Indicators written back as Microsoft Sentinel threat-intelligence indicators, as an
 * analyst does it in the REPL (piped input, the Log Analytics and ARM twins):
 * `.incident write --ti iocs` turns an IoC frame into STIX patterns through
 * `threatIntelligence/main/createIndicator`. The ARM twin fails the second indicator once:
 * the REPL says which were written and which not, the session is unchanged, and writing
 * again adds only the missing ones (no duplicates).
 */
import assert from "node:assert/strict";
import { startIncidentTwins } from "./_incident_twins.ts";
import { runCasefile } from "../_helpers.ts";

// From fixtures/demo-case/ANSWERS.md: the attacker's address, the C2 domain, the implant's
// SHA-256; and a path, which has no STIX pattern here.
const IMPLANT = "2dc5f1f0bc82428ec71acd28eb1a650bed7d5184b66f760120fa050263b552ec";
const IOCS = "iocs = pl.DataFrame({ type: ['ipv4', 'domain', 'sha256', 'windows_path', 'ipv4'], " +
  "value: ['203.0.113.45', 'cdn.edgeupdate-sync.example', '" + IMPLANT + "', " +
  "'C:\\\\ProgramData\\\\EdgeUpdate\\\\msedgeupdate.exe', '203.0.113.45'] })";

Deno.test(".incident write --ti writes an IoC frame as threat-intelligence indicators, says what failed, and dedupes on rerun", async () => {
  const twins = await startIncidentTwins();
  const { arm, env, home } = twins;
  try {
    const args = twins.args("ti");
    // The second createIndicator fails once.
    arm.inject({ status: 500, code: "InternalServerError", message: "Boom", after: 1 }, {
      method: "POST",
      pathIncludes: "createIndicator",
    });
    const ti = "--ti iocs --confidence 80 --label spray --valid-from 2026-03-11T02:10:00Z";
    const run = await runCasefile(args, {
      env,
      stdin: [
        IOCS,
        ".history",
        `.incident write --no-comment --no-bookmarks ${ti}`,
        ".history",
        "`after the failure ${iocs.height}`",
        `.incident write --no-comment --no-bookmarks ${ti}`,
        `.incident write --no-comment --no-bookmarks ${ti}`,
        ".incident write --no-comment --ti nosuchframe",
        "`still here`",
      ].join("\n") + "\n",
    });
    assert.equal(run.code, 0, run.stderr);
    // The failure: which was written, which failed, which was not attempted.
    assert.match(run.stderr, /Write-back stopped at indicator \[domain-name:value = /);
    assert.match(run.stderr, /written: indicator \[ipv4-addr:value = '203\.0\.113\.45'\]/);
    assert.match(
      run.stderr,
      /failed: indicator \[domain-name:value = 'cdn\.edgeupdate-sync\.example'\]/,
    );
    assert.match(
      run.stderr,
      new RegExp(`not-attempted: indicator \\[file:hashes\\.'SHA-256' = '${IMPLANT}'\\]`),
    );
    assert.match(run.stderr, /1 of 3 items were written .*the session is unchanged/);
    // The session went on with the same steps.
    const histories = [...run.stdout.matchAll(/^# {2}name.*(?:\n.*){5}\n5 {2}iocs .*$/gm)].map((
      m,
    ) => m[0]);
    assert.equal(histories.length, 2, run.stdout);
    assert.equal(histories[0], histories[1]);
    assert.match(run.stdout, /^after the failure 5$/m);
    // Second run: the one written before is left out, the two missing are written.
    assert.match(run.stdout, /already written: indicator ipv4 203\.0\.113\.45/);
    assert.match(
      run.stdout,
      /written: indicator \[domain-name:value = 'cdn\.edgeupdate-sync\.example'\]/,
    );
    assert.match(
      run.stdout,
      /skipped: indicator windows_path .*no STIX pattern for type windows_path/,
    );
    // Third run: nothing new.
    assert.equal([...run.stdout.matchAll(/already written: indicator sha256/g)].length, 1);
    // A frame that is not there is a clear error, and the REPL goes on.
    assert.match(run.stderr, /There is no variable nosuchframe in this session/);
    assert.match(run.stdout, /^still here$/m);

    // What the service holds: each indicator once, as Sentinel takes them.
    const held = arm.indicators().map((i) => i.properties);
    assert.deepEqual(held.map((p) => p.pattern).sort(), [
      "[domain-name:value = 'cdn.edgeupdate-sync.example']",
      `[file:hashes.'SHA-256' = '${IMPLANT}']`,
      "[ipv4-addr:value = '203.0.113.45']",
    ]);
    for (const p of held) {
      assert.equal(p.source, "casefile");
      assert.equal(p.confidence, 80);
      assert.equal(p.validFrom, "2026-03-11T02:10:00.000Z");
      assert.deepEqual(p.labels, ["spray"]);
    }
    assert.deepEqual(held.map((p) => p.patternType).sort(), ["domain-name", "file", "ipv4-addr"]);
    // The journal holds no write-back: the failure changed nothing there.
    const journal = await Deno.readTextFile(`${home}/sessions/ti/journal.jsonl`);
    assert.doesNotMatch(journal, /Boom|createIndicator/);

    // Reader role: the refusal names the role needed; nothing more is written.
    arm.setRole("reader");
    const refused = await runCasefile([...args.slice(0, 4), "ti2", ...args.slice(5)], {
      env,
      stdin: [
        "iocs = [{ type: 'url', value: 'https://files.quickdrop-share.example/u' }]",
        ".incident write --no-comment --ti iocs",
      ].join("\n") + "\n",
    });
    assert.equal(refused.code, 0, refused.stderr);
    assert.match(refused.stderr, /failed: indicator \[url:value = /);
    assert.match(refused.stderr, /Microsoft Sentinel Contributor/);
    assert.equal(arm.indicators().length, 3);
  } finally {
    await twins.close();
  }
});
