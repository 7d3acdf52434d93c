import { BadRequestException } from '@nestjs/common';

import { createValidationPipe } from '../bootstrap/validation';
import { SeriesRequestDto } from './series.dto';

const pipe = createValidationPipe();

async function messageOf(body: unknown): Promise<string> {
  try {
    await pipe.transform(body, { type: 'body', metatype: SeriesRequestDto });
  } catch (e) {
    if (e instanceof BadRequestException) return String((e.getResponse() as { message: string }).message);
    throw e;
  }
  throw new Error('expected a 400');
}

describe(SeriesRequestDto.name, () => {
  it('should accept an empty body and numeric strings for the step', async () => {
    await expect(pipe.transform({}, { type: 'body', metatype: SeriesRequestDto })).resolves.toEqual({});
    await expect(pipe.transform({ step: '300', groupBy: 'node' }, { type: 'body', metatype: SeriesRequestDto })).resolves.toMatchObject({ step: 300, groupBy: 'node' });
  });

  it('should hold the period as instants', async () => {
    await expect(pipe.transform({ from: '2017-12-01', to: '2017-12-02T06:00:00Z', includeSystem: 'false' }, { type: 'body', metatype: SeriesRequestDto })).resolves.toEqual({
      from: new Date('2017-12-01T00:00:00Z'),
      to: new Date('2017-12-02T06:00:00Z'),
      includeSystem: false,
    });
  });

  it.each([
    [{ groupBy: 'cluster' }, /^groupBy: must be one of namespace, pod, container, node/],
    [{ step: 0 }, /^step: must be an integer between 1 and/],
    [{ step: 2.5 }, /^step: must be an integer/],
    [{ namespace: 'Kube_System' }, /^namespace: must be a Kubernetes namespace name/],
    [{ from: 'yesterday' }, /^from: must be an ISO-8601 date/],
    [{ to: '2017-13-01' }, /^to: must be an ISO-8601 date/],
    [{ to: '2262-01-02' }, /^to: must be between 1970-01-01T00:00:00Z and 2262-01-01T00:00:00Z \(what InfluxDB can store\), got 2262-01-02T00:00:00.000Z$/],
    [{ includeSystem: 'sometimes' }, /^includeSystem: must be true or false/],
    [{ metric: 'cpu/usage_rate' }, /metric/],
  ])('should reject %j with a message naming the field', async (body, message) => {
    expect(await messageOf(body)).toMatch(message);
  });
});
