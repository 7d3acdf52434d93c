import { reportFormatFor } from './response-format';

describe('reportFormatFor', () => {
  it.each([
    [undefined, 'json'],
    ['', 'json'],
    ['*/*', 'json'],
    ['application/json', 'json'],
    ['text/csv', 'csv'],
    ['text/csv; charset=utf-8', 'csv'],
    ['text/csv, */*;q=0.1', 'csv'],
    ['text/csv, */*', 'csv'],
    ['application/json, text/csv', 'json'],
    ['application/json;q=0.5, text/csv', 'csv'],
    ['text/*', 'csv'],
    ['text/csv;q=0', 'json'],
    ['application/xml', 'json'],
    [['text/plain', 'text/csv'], 'csv'],
  ])('should answer %j with %s', (accept, format) => {
    expect(reportFormatFor(accept as string | string[] | undefined)).toBe(format);
  });
});
