import { ArgumentMetadata, BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/** Flattens class-validator errors into one message that names each offending field. */
export function describeValidationErrors(errors: ValidationError[], prefix = ''): string[] {
  const out: string[] = [];
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) {
      for (const msg of Object.values(e.constraints)) out.push(msg.startsWith(path) ? msg : `${path}: ${msg}`);
    }
    if (e.children?.length) out.push(...describeValidationErrors(e.children, path));
  }
  return out;
}

const BUILT_IN_TYPES: readonly unknown[] = [Object, Array, String, Number, Boolean];

/**
 * Refuses a body that is not a JSON object where the endpoint expects one (a DTO class): the
 * validator would otherwise answer for an array with the items' indexes ("0: property 0 should not
 * exist"), which names no field of the request.
 */
class ObjectBodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const dto = metadata.type === 'body' && typeof metadata.metatype === 'function' && !BUILT_IN_TYPES.includes(metadata.metatype);
    if (dto && value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      throw new BadRequestException(`body: must be a JSON object, got ${Array.isArray(value) ? 'an array' : `a ${typeof value}`}`);
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
