import { parse } from 'csv-parse/sync';

import { Decimal } from '../decimal';
import { csvNumber, neutraliseFormula, spreadsheetCsv } from './spreadsheet-csv';

describe('neutraliseFormula', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://evil.example","x")'])('should prefix %j with a single quote', (text) => {
    expect(neutraliseFormula(text)).toBe(`'${text}`);
  });

  it.each(['lab-vision', 'train-7d9f', '2017-12-01T00:00:00.000Z', '', ' =x', "'=x", 'a=b'])('should leave %j as it is', (text) => {
    expect(neutraliseFormula(text)).toBe(text);
  });
});

describe('spreadsheetCsv', () => {
  it('should neutralise text cells, write numbers as plain decimals (negative ones too), and quote per RFC 4180', () => {
    const csv = spreadsheetCsv([
      ['name', 'value'],
      ['=cmd|" /C calc"!A0', -1.5],
      ['a,b', 0.0000004],
    ]);
    expect(csv).toBe('name,value\r\n"\'=cmd|"" /C calc""!A0",-1.5\r\n"a,b",0\r\n');
    expect(parse(csv)).toEqual([
      ['name', 'value'],
      ['\'=cmd|" /C calc"!A0', '-1.5'],
      ['a,b', '0'],
    ]);
  });

  it('should write Decimals exactly and unquoted (a negative amount stays a number), and null as an empty cell', () => {
    const csv = spreadsheetCsv([[Decimal.parse('-12.30'), Decimal.parse('0.0000001234'), null, '']]);
    expect(csv).toBe('-12.30,0.0000001234,,\r\n');
  });
});

describe('csvNumber', () => {
  it.each([
    [12.5, '12.5'],
    [3, '3'],
    [0.000001, '0.000001'],
    [0.0000004, '0'],
    [1234567.1234564, '1234567.123456'],
    [-0, '0'],
    [Number.NaN, '0'],
  ])('should write %p as %p', (value, text) => {
    expect(csvNumber(value)).toBe(text);
  });
});
