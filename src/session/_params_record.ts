/**
 * A session's parameters in its journal: a `params` record of the definitions and values
 * as of that point, written when they change and read back when the session reopens.
 *
 * @module
 */
import { type ParamSet, type ParamSpec, paramToJson, parseParam } from "./params.ts";
import type { ParamsRecord } from "./_journal.ts";
import { errorText } from "./_step_context.ts";

/** The parameters' definitions and values as a journal record. */
export function paramsRecord(params: ParamSet): ParamsRecord {
  const definitions: Record<string, ParamsRecord["definitions"][string]> = {};
  for (const info of params.list()) {
    definitions[info.name] = {
      kind: info.kind,
      default: info.default === undefined ? undefined : paramToJson(info.kind, info.default),
      description: info.description,
    };
  }
  return { type: "params", definitions, values: params.toJson() };
}

/** What a params record says, as text (two records saying the same give the same text). */
export function paramsKey(record: ParamsRecord): string {
  return JSON.stringify([record.definitions, record.values]);
}

/**
 * Defines the parameters a params record holds (a definition given at open of the same
 * kind wins) and sets their values; a value that cannot be set is a notice.
 */
export function restoreParams(
  params: ParamSet,
  record: ParamsRecord,
  notice: (text: string) => void,
): void {
  const specs: Record<string, ParamSpec> = {};
  for (const [name, definition] of Object.entries(record.definitions)) {
    const known = params.has(name) ? params.spec(name) : undefined;
    specs[name] = known?.kind === definition.kind ? known : {
      kind: definition.kind,
      default: definition.default === undefined
        ? undefined
        : parseParam(name, definition.kind, definition.default),
      description: definition.description,
    };
  }
  params.define(specs);
  try {
    params.set(record.values);
  } catch (error) {
    notice(`parameters: a recorded value was not restored (${errorText(error)})`);
  }
}
