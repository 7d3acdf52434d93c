import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * The text of a PDF as pdf.js (through unpdf) reads it, pages merged, runs of white space made one
 * space (pdf.js separates text runs as the layout has it). In a child Node process: unpdf's pdf.js
 * bundle is an ES module, which jest's CommonJS runtime cannot import.
 */
export async function pdfText(pdf: Buffer): Promise<string> {
  const script = `
    const { extractText, getDocumentProxy } = require(process.argv[1]);
    const chunks = [];
    process.stdin.on('data', (c) => chunks.push(c));
    process.stdin.on('end', async () => {
      const doc = await getDocumentProxy(new Uint8Array(Buffer.concat(chunks)));
      const { text } = await extractText(doc, { mergePages: true });
      process.stdout.write(text);
    });`;
  const child = promisify(execFile)(process.execPath, ['-e', script, require.resolve('unpdf')], { maxBuffer: 16 * 1024 * 1024 });
  child.child.stdin?.end(pdf);
  return (await child).stdout.replace(/\s+/g, ' ');
}
