/**
 * Runs one KQL query in a worker, so a test can stop a query that never ends (a
 * backtracking regex cannot be interrupted from the thread that runs it).
 */
import { executeKql } from "../../src/kql/mod.ts";

// The worker's global scope (type-checked with the window's lib, which lacks these).
const scope = self as unknown as {
  onmessage: (event: MessageEvent<string>) => void;
  postMessage: (message: unknown) => void;
};

scope.onmessage = async (event: MessageEvent<string>) => {
  try {
    const result = await executeKql(event.data, { now: new Date("2026-01-01T00:00:00Z") });
    scope.postMessage({ rows: JSON.parse(JSON.stringify(result.frame.toRecords())) });
  } catch (error) {
    scope.postMessage({ error: `${(error as Error).name}: ${(error as Error).message}` });
  }
};
