import { ValidationError, ValidationPipe } from '@nestjs/common';
import type { FieldError } from '@ledger/runtime';
import { Problem } from './problem';

/**
 * class-validator at the edge: unknown fields are refused, types are checked, and every failure is a
 * 400 problem listing the fields and what is wrong with each.
 */
export function ledgerValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
