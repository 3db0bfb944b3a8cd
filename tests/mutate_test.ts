// The mutation harness's mutants, checked against a small module listed by hand.
import assert from "node:assert/strict";
import { applyMutant, generateMutants, sample } from "../scripts/mutate.ts";

const SOURCE = `type Kind = "a" | 1;
import { x } from "./x.ts";
export function f(n: number, s: string): boolean {
  const o: { key: "v" | 0 } = { key: "v", e: "" };
  if (n < 2 && s === "k") return true;
  g();
  return false;
}
`;

Deno.test("mutate: each kind of mutant, none in types, imports or property names", () => {
  const mutants = generateMutants(SOURCE).map((m) => `L${m.line} ${m.label}`);
  assert.deepEqual(mutants, [
    'L4 "v" → ""',
    'L5 removed: if (n < 2 && s === "k") return true;',
    "L5 if condition → false",
    "L5 if condition → true",
    "L5 < → <=",
    "L5 2 → 1",
    "L5 2 → 3",
    "L5 && → ||",
    "L5 === → !==",
    'L5 "k" → ""',
    "L5 true → false",
    "L6 removed: g();",
    "L7 removed: return false;",
    "L7 false → true",
  ]);
});

Deno.test("mutate: a mutant rewrites only its own range; sampling is even and deterministic", () => {
  const lt = generateMutants(SOURCE).find((m) => m.label === "< → <=")!;
  assert.equal(
    applyMutant(SOURCE, lt).split("\n")[4],
    '  if (n <= 2 && s === "k") return true;',
  );
  assert.deepEqual(sample([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4), [0, 2, 5, 7]);
  assert.deepEqual(sample([1, 2], 5), [1, 2]);
});
