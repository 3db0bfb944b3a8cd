/**
 * Splitting one CSV record into its fields, shared by the CSV loader (a file's header) and
 * KQL's `parse_csv()`.
 *
 * @module
 */

/**
 * The fields of the first record of CSV `text`: `"` at the start of a field quotes it (a
 * quoted field may hold the separator and line breaks), `""` inside quotes is a quote, and
 * an unquoted line break ends the record.
 *
 * @param text The record (anything after its line break is ignored).
 * @param separator The field separator, one character (default `,`).
 * @returns The fields, unquoted; an empty record is one empty field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitCsvRecord } from "./_csv_fields.ts";
 *
 * assert.deepEqual(splitCsvRecord('a,"b,c","say ""hi"""\nnext'), ["a", "b,c", 'say "hi"']);
 * assert.deepEqual(splitCsvRecord("Time\tUser", "\t"), ["Time", "User"]);
 * assert.deepEqual(splitCsvRecord("Time,User\r\n2026-03-11,alice"), ["Time", "User"]);
 * ```
 */
export function splitCsvRecord(text: string, separator = ","): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
      continue;
    }
    if (c === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else if (c === separator) {
      fields.push(field);
      field = "";
      fieldStart = true;
    } else if (c === "\n" || c === "\r") {
      break;
    } else {
      field += c;
      fieldStart = false;
    }
  }
  fields.push(field);
  return fields;
}
