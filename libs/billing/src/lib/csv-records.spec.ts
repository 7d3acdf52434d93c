import { CsvSyntaxError, parseCsvRecords } from './csv-records';

describe('parseCsvRecords', () => {
  it('should read quoted fields with commas, quotes and line breaks, CRLF or LF, and skip blank lines', () => {
    expect(parseCsvRecords('a,b,c\r\n"x, y","say ""hi""","two\nlines"\n\n1,,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'two\nlines'],
      ['1', '', '3'],
    ]);
  });

  it('should drop a byte order mark and keep a last record without a newline', () => {
    expect(parseCsvRecords('\uFEFFk,v\n1,2')).toEqual([
      ['k', 'v'],
      ['1', '2'],
    ]);
  });

  it.each([
    ['a,b"c', 1],
    ['a\n"open', 2],
    ['"x"y', 1],
  ])('should name the line of a syntax error in %j', (text, line) => {
    expect(() => parseCsvRecords(text)).toThrow(CsvSyntaxError);
    try {
      parseCsvRecords(text);
    } catch (e) {
      expect((e as CsvSyntaxError).line).toBe(line);
    }
  });
});
