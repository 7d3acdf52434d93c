/**
 * InfluxDB 1.x answers `chunked=true` queries with one JSON document per line.
 * This splits a byte stream into those documents while holding at most one line.
 */
export async function* readJsonLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<unknown> {
  const decoder = new TextDecoder('utf-8');
  let buffer = '';
  for await (const chunk of chunks) {
    buffer += decoder.decode(chunk, { stream: true });
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) yield JSON.parse(line);
      nl = buffer.indexOf('\n');
    }
  }
  buffer += decoder.decode();
  const rest = buffer.trim();
  if (rest) yield JSON.parse(rest);
}
