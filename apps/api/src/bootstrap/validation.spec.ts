import { ArgumentMetadata, BadRequestException } from '@nestjs/common';

import { MetricQueryDto } from '../metrics/metric-query.dto';
import { withoutNullFields } from './body-parsers';
import { createValidationPipe } from './validation';

const BODY: ArgumentMetadata = { type: 'body', metatype: MetricQueryDto, data: '' };

async function rejection(value: unknown, metadata: ArgumentMetadata = BODY): Promise<string> {
  const error = await createValidationPipe()
    .transform(value, metadata)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(BadRequestException);
  return (error as BadRequestException).message;
}

describe('the global validation pipe', () => {
  it('should refuse a body that is not a JSON object, naming the body', async () => {
    expect(await rejection([{ namespace: 'default' }])).toBe('body: must be a JSON object, got an array');
    expect(await rejection('default')).toBe('body: must be a JSON object, got a string');
    expect(await rejection(42)).toBe('body: must be a JSON object, got a number');
  });

  it('should name each offending field of an object body', async () => {
    expect(await rejection({ limit: 0 })).toMatch(/^limit: /);
    expect(await rejection({ tenant: 'x' })).toBe('tenant: property tenant should not exist');
  });

  it('should accept a valid body and leave non-body arguments alone', async () => {
    const pipe = createValidationPipe();
    await expect(pipe.transform({ namespace: 'cluster-3', limit: '5' }, BODY)).resolves.toMatchObject({ namespace: 'cluster-3', limit: 5 });
    await expect(pipe.transform(['a'], { type: 'query', metatype: Array, data: 'names' })).resolves.toEqual(['a']);
  });

  it('should refuse a field given as null that the endpoint does not know, and accept a known one', async () => {
    // The body parser drops null fields as "not given"; the whitelist would never see an unknown one.
    expect(await rejection(withoutNullFields({ namespace: 'cluster-3', tenant: null }))).toBe('tenant: property tenant should not exist');
    await expect(createValidationPipe().transform(withoutNullFields({ namespace: 'cluster-3', limit: null }), BODY)).resolves.toMatchObject({ namespace: 'cluster-3' });
  });

  it('should refuse query parameters named like inherited members, which the whitelist finds on every object', async () => {
    const query: ArgumentMetadata = { type: 'query', metatype: MetricQueryDto, data: '' };
    expect(await rejection({ namespace: 'a', constructor: '1' }, query)).toBe('constructor: property constructor should not exist');
    expect(await rejection({ toString: 'x' }, query)).toBe('toString: property toString should not exist');
  });
});
