/**
 * The least an API does with an InfluxDB 1.x `/query` answer: parse it (one JSON document, or one
 * per line when chunked) and turn each series row into an object, column → value.
 */

interface Series {
  tags?: Record<string, string>;
  columns: string[];
  values?: unknown[][];
}

interface QueryDocument {
  results?: { series?: Series[]; error?: string }[];
  error?: string;
}

export type Row = Record<string, unknown>;

/** Appends the rows of one answer to `rows`; throws on an error InfluxDB reported inside a 200. */
export function appendRows(text: string, chunked: boolean, rows: Row[]): void {
  if (!chunked) {
    appendDocument(JSON.parse(text) as QueryDocument, rows);
    return;
  }
  for (const line of text.split('\n')) {
    if (line) appendDocument(JSON.parse(line) as QueryDocument, rows);
  }
}

function appendDocument(doc: QueryDocument, rows: Row[]): void {
  if (doc.error) throw new Error(doc.error);
  for (const result of doc.results ?? []) {
    if (result.error) throw new Error(result.error);
    for (const series of result.series ?? []) {
      const { columns, tags } = series;
      for (const values of series.values ?? []) {
        // Tags of a GROUP BY series are part of every row an API hands out.
        const row: Row = tags ? { ...tags } : {};
        for (let c = 0; c < columns.length; c++) row[columns[c] as string] = values[c];
        rows.push(row);
      }
    }
  }
}
