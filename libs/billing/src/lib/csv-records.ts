/**
 * RFC 4180 records: fields separated by commas, records by CRLF or LF, a field in double quotes
 * may hold commas, line breaks and doubled quotes. What a spreadsheet exports; a stray quote inside
 * an unquoted field, or an unterminated quoted one, is an error naming the line.
 */
export function parseCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (quoted) {
      if (c === '"') {
        if (body[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          afterQuote = true;
        }
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === ',') {
      record.push(field);
      field = '';
      afterQuote = false;
    } else if (c === '\n' || (c === '\r' && body[i + 1] === '\n')) {
      if (c === '\r') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      afterQuote = false;
      line++;
    } else if (c === '"') {
      if (field !== '' || afterQuote) throw new CsvSyntaxError(line, 'a quote inside an unquoted field');
      quoted = true;
    } else {
      if (afterQuote) throw new CsvSyntaxError(line, 'text after a closing quote');
      field += c;
    }
  }
  if (quoted) throw new CsvSyntaxError(line, 'a quoted field is not closed');
  if (field !== '' || record.length > 0 || afterQuote) {
    record.push(field);
    records.push(record);
  }
  // Blank lines carry nothing (a trailing newline, a spreadsheet's empty rows).
  return records.filter((r) => !(r.length === 1 && r[0] === ''));
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}
