import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Matches, Max, MaxLength, Min, ValidateBy, ValidationOptions } from 'class-validator';

/** DNS-1123 label, the shape of a Kubernetes namespace name. */
export const NAMESPACE_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function IsNamespace(): PropertyDecorator {
  return applyDecorators(
    IsString({ message: '$property: must be a string' }),
    MaxLength(63, { message: '$property: must be at most 63 characters' }),
    Matches(NAMESPACE_PATTERN, { message: '$property: must be a Kubernetes namespace name (lower-case letters, digits and "-")' }),
  ) as PropertyDecorator;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses an ISO-8601 date (`2017-12-01` = 00:00 UTC) or date-time (UTC when no offset).
 * Returns undefined for anything else, including impossible dates like 2017-02-30.
 */
export function parseIsoTime(value: string): Date | undefined {
  const v = value.trim();
  if (ISO_DATE.test(v)) {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v) ? d : undefined;
  }
  if (!ISO_DATE_TIME.test(v)) return undefined;
  let text = v.replace(' ', 'T');
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(text)) text += 'Z';
  // JS keeps milliseconds only; finer digits are cut so `Date` accepts them.
  text = text.replace(/(\.\d{3})\d+/, '$1');
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return undefined;
  const datePart = v.slice(0, 10);
  const check = new Date(`${datePart}T00:00:00Z`);
  if (Number.isNaN(check.getTime()) || !check.toISOString().startsWith(datePart)) return undefined;
  const year = d.getUTCFullYear();
  return year >= 1970 && year <= 2262 ? d : undefined;
}

export function IsIsoTime(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    IsString({ message: '$property: must be an ISO-8601 date or date-time string' }),
    ValidateBy(
      {
        name: 'isIsoTime',
        validator: {
          validate: (v: unknown) => typeof v === 'string' && parseIsoTime(v) !== undefined,
          defaultMessage: () => '$property: must be an ISO-8601 date (2017-12-01) or date-time (2017-12-01T12:00:00Z) between 1970 and 2262',
        },
      },
      options,
    ),
  ) as PropertyDecorator;
}

/** An integer in a range, also accepted as a numeric string (the seed's clients send `"limit": "50"`). */
export function IsIntInRange(min: number, max: number): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value)),
    IsInt({ message: `$property: must be an integer between ${min} and ${max}` }),
    Min(min, { message: `$property: must be an integer between ${min} and ${max}` }),
    Max(max, { message: `$property: must be an integer between ${min} and ${max}` }),
  ) as PropertyDecorator;
}
