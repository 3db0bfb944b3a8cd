/**
 * Runs KQL queries on the bundled demo case in a worker, one message each, so a test can
 * bound every query in time: each reply says whether the query ran and, when it failed,
 * the error's class, whether it is a casefile error, and where it points.
 */
import { openLocalProvider } from "../../src/providers/mod.ts";
import { CasefileError } from "../../src/errors.ts";

// The worker's global scope (type-checked with the window's lib, which lacks these).
const scope = self as unknown as {
  onmessage: (event: MessageEvent<string>) => void;
  postMessage: (message: unknown) => void;
};

const provider = await openLocalProvider();

scope.onmessage = async (event: MessageEvent<string>) => {
  try {
    const result = await provider.query(event.data);
    scope.postMessage({ ok: true, rows: result.rowCount });
  } catch (error) {
    const e = error as Error & { line?: number; column?: number };
    scope.postMessage({
      ok: false,
      name: e?.name,
      message: String(e?.message ?? e),
      casefile: error instanceof CasefileError,
      line: e?.line,
      column: e?.column,
    });
  }
};
scope.postMessage({ ready: true });
