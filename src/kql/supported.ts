/**
 * What the local KQL engine supports, by name: the operators and functions a query may
 * use. Conformance tests pick the documentation cases within this set.
 *
 * @module
 */
import { OPERATOR_NAMES, UNSUPPORTED_OPERATORS } from "./syntax/_parser.ts";
import { AGGREGATE_FUNCTIONS, SCALAR_FUNCTIONS } from "./functions/_registry.ts";
import { SUPPORTED_PLUGINS } from "./compile/operators/_evaluate_plugins.ts";
import "./functions/_all.ts";

/** Operators the engine runs. */
export const SUPPORTED_OPERATORS: ReadonlySet<string> = new Set(
  OPERATOR_NAMES.filter((n) => !UNSUPPORTED_OPERATORS.has(n)),
);

/** Words that appear as "functions" in query tags: literals, statements and options. */
const LANGUAGE_WORDS = [
  "datatable",
  "dynamic",
  "datetime",
  "date",
  "time",
  "timespan",
  "int",
  "long",
  "real",
  "double",
  "bool",
  "boolean",
  "guid",
  "decimal",
  "string",
  "range",
  "print",
  "toscalar",
  "materialize",
  "with",
  "on",
  "inner",
  "innerunique",
  "leftouter",
  "rightouter",
  "fullouter",
  "leftanti",
  "rightanti",
  "leftsemi",
  "rightsemi",
  "true",
  "false",
  "where",
  "extend",
  "union",
  "between",
  "view",
  "declare",
  "typeof",
  "table",
];

/** Functions (and literal forms) the engine evaluates. */
export const SUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set([
  ...SCALAR_FUNCTIONS.keys(),
  ...AGGREGATE_FUNCTIONS.keys(),
  ...SUPPORTED_PLUGINS,
  ...LANGUAGE_WORDS,
]);
