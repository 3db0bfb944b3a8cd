/** Checks of the columns a chart is asked to use: present, and of a type the chart can draw. */
import type { DataFrame, DataType } from "../polars.ts";
import { isNumericVariant, variantOf } from "../polars.ts";
import { didYouMean } from "../errors.ts";
import { ChartError } from "./errors.ts";

/** What a chart can do with a column. */
export type ColumnKind = "temporal" | "numeric" | "text" | "boolean" | "other";

/** The kind of a Polars dtype. */
export function kindOf(dtype: DataType): ColumnKind {
  const variant = variantOf(dtype);
  if (variant === "Datetime" || variant === "Date") return "temporal";
  if (isNumericVariant(variant)) return "numeric";
  if (variant === "Utf8" || variant === "Categorical") return "text";
  if (variant === "Bool") return "boolean";
  return "other";
}

/** The kind of column `name` of `frame` (which must exist). */
export function columnKind(frame: DataFrame, name: string): ColumnKind {
  return kindOf(frame.getColumn(name).dtype);
}

const KIND_WORDS: Record<ColumnKind, string> = {
  temporal: "a datetime",
  numeric: "a number",
  text: "text",
  boolean: "true/false",
  other: "of a type charts cannot draw",
};

const KIND_FIX: Record<ColumnKind, string> = {
  temporal: "convert it first (KQL `todatetime()`, or Polars `str.strptime`)",
  numeric: "convert it first (KQL `toreal()` / `tolong()`, or Polars `cast(pl.Float64)`)",
  text: "convert it first (KQL `tostring()`, or Polars `cast(pl.Utf8)`)",
  boolean: "compare it first (KQL `x == ...`)",
  other: "project a simpler column",
};

/**
 * Checks that `frame` has column `name` for `role` (e.g. "the time axis"), of one of
 * `kinds` when given. Throws a {@link ChartError} with a did-you-mean or the columns that
 * would fit.
 */
export function requireColumn(
  frame: DataFrame,
  name: string,
  role: string,
  kinds?: readonly ColumnKind[],
): ColumnKind {
  const columns = frame.columns;
  const fitting = () =>
    kinds ? columns.filter((c) => kinds.includes(columnKind(frame, c))) : columns;
  // Code typed in the REPL or a notebook is not type-checked: an option may be missing.
  if (typeof name !== "string" || name === "") {
    const fit = fitting();
    throw new ChartError(`Cannot draw the chart: no column is named for ${role}.`, {
      hint: `Name one in the chart's options; ${
        fit.length > 0
          ? `columns that fit: ${listNames(fit)}`
          : `the frame's columns: ${listNames(columns)}`
      }.`,
    });
  }
  if (!columns.includes(name)) {
    const suggestion = didYouMean(name, columns);
    const fit = fitting();
    throw new ChartError(`Cannot draw the chart: there is no column \`${name}\` for ${role}.`, {
      column: name,
      hint: suggestion ??
        (fit.length > 0
          ? `Columns that fit: ${listNames(fit)}.`
          : `The frame's columns: ${listNames(columns)}.`),
    });
  }
  const kind = columnKind(frame, name);
  if (kinds && !kinds.includes(kind)) {
    const wanted = kinds.map((k) => KIND_WORDS[k]).join(" or ");
    const fit = fitting();
    throw new ChartError(
      `Cannot draw the chart: column \`${name}\` is ${KIND_WORDS[kind]} ` +
        `(${frame.getColumn(name).dtype.variant}), but ${role} needs ${wanted}.`,
      {
        column: name,
        hint: fit.length > 0
          ? `Columns that fit: ${listNames(fit)}; or ${KIND_FIX[kinds[0]]}.`
          : `No column fits; ${KIND_FIX[kinds[0]]}.`,
      },
    );
  }
  return kind;
}

/** The names of `frame`'s columns of one of `kinds`, in order. */
export function columnsOfKind(frame: DataFrame, kinds: readonly ColumnKind[]): string[] {
  return frame.columns.filter((c) => kinds.includes(columnKind(frame, c)));
}

/** Up to 12 names, quoted, with "and N more". */
export function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 12).map((n) => `\`${n}\``).join(", ");
  return names.length > 12 ? `${shown} and ${names.length - 12} more` : shown;
}
