import { BadRequestException } from '@nestjs/common';

import { createValidationPipe } from '../bootstrap/validation';
import { MetricQueryDto } from './metric-query.dto';

const pipe = createValidationPipe();

async function messageOf(body: unknown): Promise<string> {
  try {
    await pipe.transform(body, { type: 'body', metatype: MetricQueryDto });
  } catch (e) {
    if (e instanceof BadRequestException) return String((e.getResponse() as { message: string }).message);
    throw e;
  }
  throw new Error('expected a 400');
}

describe(MetricQueryDto.name, () => {
  it.each([
    [{ agg: 'all-namespace', timeBeginInterval: '0001-01-01', timeEndInterval: '2026-12-03' }, /^timeBeginInterval: must be between 1970-01-01T00:00:00Z and 2262-01-01T00:00:00Z/],
    [{ timeBeginInterval: '1969-12-31' }, /^timeBeginInterval: must be between 1970/],
    [{ timeEndInterval: '2263-01-01' }, /^timeEndInterval: must be between 1970/],
    [{ timeEndInterval: '9999-12-31T23:59:59Z' }, /^timeEndInterval: must be between 1970/],
    [{ timeEndInterval: '2017-02-30' }, /^timeEndInterval: must be an ISO-8601 date/],
    [{ timeBeginInterval: '' }, /^timeBeginInterval: must be an ISO-8601 date/],
    [{ timeBeginInterval: 1512086400000 }, /^timeBeginInterval: must be an ISO-8601 date \(2017-12-01\) or date-time \(2017-12-01T12:00:00Z\) string$/],
    [{ namespace: 'Lab' }, /^namespace: must be a Kubernetes namespace name/],
    [{ namespace: 'a'.repeat(64) }, /^namespace: must be at most 63 characters$/],
    [{ limit: 0 }, /^limit: must be an integer between 1 and 10000$/],
  ])('should refuse %j naming the field', async (body, message) => {
    expect(await messageOf(body)).toMatch(message);
  });

  it('should accept the first and the last instants of the range, parsed', async () => {
    await expect(pipe.transform({ timeBeginInterval: '1970-01-01', timeEndInterval: '2262-01-01' }, { type: 'body', metatype: MetricQueryDto })).resolves.toMatchObject({
      timeBeginInterval: new Date('1970-01-01T00:00:00Z'),
      timeEndInterval: new Date('2262-01-01T00:00:00Z'),
    });
  });

  it('should hold instants, with the offset applied, and leave null as not given', async () => {
    const dto = (await pipe.transform(
      { timeBeginInterval: '2017-12-01T12:00:00+02:00', timeEndInterval: null, limit: '50' },
      { type: 'body', metatype: MetricQueryDto },
    )) as MetricQueryDto;
    expect(dto.timeBeginInterval).toEqual(new Date('2017-12-01T10:00:00Z'));
    expect(dto.timeEndInterval).toBeNull();
    expect(dto.limit).toBe(50);
  });
});
