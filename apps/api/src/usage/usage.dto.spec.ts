import { BadRequestException } from '@nestjs/common';

import { createValidationPipe } from '../bootstrap/validation';
import { UsageReportRequestDto } from './usage.dto';

const pipe = createValidationPipe();

async function validate(body: unknown): Promise<UsageReportRequestDto> {
  return pipe.transform(body, { type: 'body', metatype: UsageReportRequestDto }) as Promise<UsageReportRequestDto>;
}

async function messageOf(body: unknown): Promise<string> {
  try {
    await validate(body);
  } catch (e) {
    if (e instanceof BadRequestException) return String((e.getResponse() as { message: string }).message);
    throw e;
  }
  throw new Error('expected a 400');
}

describe(UsageReportRequestDto.name, () => {
  it('should accept a minimal body and the optional fields', async () => {
    await expect(validate({ from: '2017-12-01', to: '2018-01-01' })).resolves.toMatchObject({ from: new Date('2017-12-01T00:00:00Z'), to: new Date('2018-01-01T00:00:00Z') });
    const dto = await validate({ from: '2017-12-01T00:00:00Z', to: '2018-01-01', groupBy: 'pod', namespaces: ['lab-vision'], includeSystem: 'true' });
    expect(dto).toMatchObject({ groupBy: 'pod', namespaces: ['lab-vision'], includeSystem: true });
  });

  it.each([
    [{ from: 'December', to: '2018-01-01' }, /^from: must be an ISO-8601 date/],
    [{ from: '2017-02-30', to: '2018-01-01' }, /^from: must be an ISO-8601 date/],
    [{ from: '0001-01-01', to: '2018-01-01' }, /^from: must be between 1970-01-01T00:00:00Z and 2262-01-01T00:00:00Z/],
    [{ from: '1969-12-31', to: '2018-01-01' }, /^from: must be between 1970/],
    [{ from: '2017-12-01', to: '9999-12-31' }, /^to: must be between 1970/],
    [{ from: '2262-03-01', to: '2262-04-11T23:47:16Z' }, /^from: must be between 1970/],
    [{ from: '2017-12-01', to: '2018-01-01', groupBy: 'container' }, /^groupBy: must be "namespace", "pod" or "node"/],
    [{ from: '2017-12-01', to: '2018-01-01', basis: 'allocation' }, /^basis: must be one of usage, request, max$/],
    [{ from: '2017-12-01', to: '2018-01-01', namespaces: 'lab-vision' }, /^namespaces: must be an array/],
    [{ from: '2017-12-01', to: '2018-01-01', namespaces: ['Lab Vision'] }, /^namespaces: each entry must be a Kubernetes namespace name/],
    [{ from: '2017-12-01', to: '2018-01-01', namespaces: [7] }, /^namespaces: each entry must be a string/],
    [{ from: '2017-12-01', to: '2018-01-01', namespaces: ['a'.repeat(64)] }, /^namespaces: each entry must be at most 63 characters$/],
    [{ from: ['2017-12-01'], to: '2018-01-01' }, /^from: must be an ISO-8601 date \(2017-12-01\) or date-time \(2017-12-01T12:00:00Z\) string$/],
    [{ from: '2017-12-01', to: '2018-01-01', namespaces: Array.from({ length: 1001 }, (_, i) => `ns-${i}`) }, /^namespaces: at most 1000/],
    [{ from: '2017-12-01', to: '2018-01-01', includeSystem: 1 }, /^includeSystem: must be true or false/],
    [{ from: '2017-12-01', to: '2018-01-01', format: 'csv' }, /format/],
    [{ window: ['lastmonth'] }, /^window: must be a string/],
    [{ window: 'lastmonth', step: 'daily' }, /^step: must be one of 1h, 1d, 1w, 1mo$/],
  ])('should reject %j with a message naming the field', async (body, message) => {
    expect(await messageOf(body)).toMatch(message);
  });
});
