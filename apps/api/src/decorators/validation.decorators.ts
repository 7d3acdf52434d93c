import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Matches, Max, MaxLength, Min, ValidateBy, ValidationOptions } from 'class-validator';

import { checkIsoTime, ISO_TIME_FORMATS } from '../metrics/iso-time';

/** DNS-1123 label, the shape of a Kubernetes namespace name. */
export const NAMESPACE_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function IsNamespace(): PropertyDecorator {
  return applyDecorators(
    IsString({ message: '$property: must be a string' }),
    MaxLength(63, { message: '$property: must be at most 63 characters' }),
    Matches(NAMESPACE_PATTERN, { message: '$property: must be a Kubernetes namespace name (lower-case letters, digits and "-")' }),
  ) as PropertyDecorator;
}

/**
 * Parses an ISO-8601 date (`2017-12-01` = 00:00 UTC) or date-time (UTC when no offset) between
 * 1970 and 2262-01-01 (see `checkIsoTime`); undefined for anything else.
 */
export function parseIsoTime(value: string): Date | undefined {
  return checkIsoTime(value).date;
}

/** A string `checkIsoTime` accepts; the 400 says whether the format or the range is wrong. */
export function IsIsoTime(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    IsString({ message: `$property: must be ${ISO_TIME_FORMATS} string` }),
    ValidateBy(
      {
        name: 'isIsoTime',
        validator: {
          validate: (v: unknown) => typeof v === 'string' && checkIsoTime(v).date !== undefined,
          defaultMessage: (args) => `$property: ${typeof args?.value === 'string' ? checkIsoTime(args.value).problem : `must be ${ISO_TIME_FORMATS}`}`,
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
