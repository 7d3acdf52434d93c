import { ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';

import { describeValidationErrors } from '../common/validation-errors';
import { inheritedKeyPath, NULL_FIELDS, unknownField } from './body-parsers';

const BUILT_IN_TYPES: readonly unknown[] = [Object, Array, String, Number, Boolean];

type DtoClass = NonNullable<ArgumentMetadata['metatype']>;

const knownFields = new WeakMap<DtoClass, ReadonlySet<string>>();

/** The fields a DTO class validates (every field of ours carries a decorator). */
function fieldsOf(dto: DtoClass): ReadonlySet<string> {
  let fields = knownFields.get(dto);
  if (!fields) {
    fields = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(dto, '', true, false)
        .map((m) => m.propertyName),
    );
    knownFields.set(dto, fields);
  }
  return fields;
}

/**
 * Refuses a body that is not a JSON object where the endpoint expects one (a DTO class): the
 * validator would otherwise answer for an array with the items' indexes ("0: property 0 should not
 * exist"), which names no field of the request. Also refuses, by name, the fields the whitelist
 * cannot see: those a body gave as `null` (dropped before validation as "not given") that the DTO
 * does not know, and query parameters named like inherited members (`constructor`, `toString`).
 */
class ObjectBodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype;
    const dto = (metadata.type === 'body' || metadata.type === 'query') && typeof metatype === 'function' && !BUILT_IN_TYPES.includes(metatype);
    if (dto && metadata.type === 'body' && value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      throw new BadRequestException(`body: must be a JSON object, got ${Array.isArray(value) ? 'an array' : `a ${typeof value}`}`);
    }
    if (dto && value !== null && typeof value === 'object') {
      const nulls = (value as { [NULL_FIELDS]?: string[] })[NULL_FIELDS] ?? [];
      const unknown = nulls.find((k) => !fieldsOf(metatype).has(k)) ?? (metadata.type === 'query' ? inheritedKeyPath(value) : undefined);
      if (unknown !== undefined) throw unknownField(unknown);
    }
    return super.transform(value, metadata);
  }
}

/** Global pipe: whitelist + transform, unknown fields rejected, 400 messages naming the field. */
export function createValidationPipe(): ValidationPipe {
  return new ObjectBodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => new BadRequestException(describeValidationErrors(errors).join('; ')),
  });
}
