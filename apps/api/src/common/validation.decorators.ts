/**
 * One decorator per input rule: each applies the class-validator checks (messages name the field)
 * and documents the rule in the OpenAPI schema, so a rule is written once. Put a rule's decorator
 * above the field's `@ApiProperty…()`: the schema keys then follow the field's own.
 */
import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsString, Matches, Max, MaxLength, Min, ValidateBy } from 'class-validator';

import { checkIsoTime, ISO_TIME_FORMATS, NAMESPACE_MAX_LENGTH, NAMESPACE_PATTERN } from '@kube-monitoring/contract';

/**
 * A Kubernetes namespace name (DNS-1123 label), or with `each` a list of them. The checks run in
 * order (type, length, shape) and the first failure is the message.
 */
export function IsNamespace(options: { each?: boolean } = {}): PropertyDecorator {
  const each = options.each === true;
  const subject = each ? '$property: each entry' : '$property:';
  return applyDecorators(
    IsString({ each, message: `${subject} must be a string` }),
    MaxLength(NAMESPACE_MAX_LENGTH, { each, message: `${subject} must be at most ${NAMESPACE_MAX_LENGTH} characters` }),
    Matches(NAMESPACE_PATTERN, { each, message: `${subject} must be a Kubernetes namespace name (lower-case letters, digits and "-")` }),
    // On a list, the schema puts both on its items.
    ApiProperty({ pattern: NAMESPACE_PATTERN.source, maxLength: NAMESPACE_MAX_LENGTH }),
  ) as PropertyDecorator;
}

/**
 * An instant, sent as an ISO-8601 date (`2017-12-01` = 00:00 UTC) or date-time (UTC unless an
 * offset is given) between 1970-01-01 and 2262-01-01 (`checkIsoTime`), and parsed here once: the
 * field holds a `Date`. The 400 says whether the format or the range is wrong. Documented as a
 * string, since a date alone is not an OpenAPI `date-time`.
 */
export function IsInstant(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (checkIsoTime(value).date ?? value) : value)),
    ValidateBy({
      name: 'isInstant',
      validator: {
        // Only the transform above makes a Date (a JSON body has none); text left as text failed to parse.
        validate: (value: unknown) => value instanceof Date,
        defaultMessage: (args) => `$property: ${typeof args?.value === 'string' ? checkIsoTime(args.value).problem : `must be ${ISO_TIME_FORMATS} string`}`,
      },
    }),
    ApiProperty({ type: String }),
  ) as PropertyDecorator;
}

/** An integer in a range, also accepted as a numeric string (the seed's clients send `"limit": "50"`). */
export function IsIntInRange(min: number, max: number): PropertyDecorator {
  const message = `$property: must be an integer between ${min} and ${max}`;
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value)),
    IsInt({ message }),
    Min(min, { message }),
    Max(max, { message }),
    ApiProperty({ minimum: min, maximum: max }),
  ) as PropertyDecorator;
}

/** `true` or `false`, also as the strings `"true"`/`"false"` that form-encoded clients send (the seed's curl example). */
export function IsFlag(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value)),
    IsBoolean({ message: '$property: must be true or false' }),
  ) as PropertyDecorator;
}
