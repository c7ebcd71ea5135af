import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import type { FieldError } from '@ledger/runtime';
import { Problem } from './problem';
import { rememberValidationRules } from './remembered-validation-rules';

/**
 * class-validator at the edge: unknown fields are refused, types are checked, and every failure is a
 * 400 problem listing the fields and what is wrong with each.
 */
export function ledgerValidationPipe(): ValidationPipe {
  rememberValidationRules();
  return new NoNullsValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validateCustomDecorators: false,
    exceptionFactory: (errors) =>
      Problem.badRequest(
        'ValidationFailed',
        'the request does not fit this endpoint; see errors',
        flatten(errors),
      ),
  });
}

/**
 * `@IsOptional()` lets `null` through as if the member were absent, and the code past the pipe then
 * reads it as present (`{"maskingRules": null}` was a 500). Optional members are absent, never null
 * (http-api.md), and no request member is nullable, so a null anywhere in a body a DTO describes is refused.
 */
class NoNullsValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && this.toValidate(metadata)) {
      const nulls = nullMembers(value, '');
      if (nulls.length > 0) {
        throw Problem.badRequest(
          'ValidationFailed',
          'the request does not fit this endpoint; see errors',
          nulls.map((field) => ({ field, message: 'must be left out rather than sent as null' })),
        );
      }
    }
    return super.transform(value, metadata);
  }
}

/** JSON Pointers of the null members and items under `value` (a null body itself is left to the validator). */
function nullMembers(value: unknown, path: string): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, member]) =>
    member === null ? [`${path}/${key}`] : nullMembers(member, `${path}/${key}`),
  );
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = `${parent}/${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: error.constraints?.whitelistValidation === message ? 'is not a known field' : message,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
