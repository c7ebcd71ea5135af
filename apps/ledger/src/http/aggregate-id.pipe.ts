import { Injectable, PipeTransform } from '@nestjs/common';
import { AGGREGATE_ID_PATTERN } from '@ledger/events';
import { Problem } from './problem';

/** An aggregate id in a path (`/v1/datasets/{id}`): refused with 400 before anything is read. */
@Injectable()
export class AggregateIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!AGGREGATE_ID_PATTERN.test(value)) {
      throw Problem.badRequest('InvalidId', 'ids hold letters, digits and . _ ~ : - (up to 128 characters)', [
        { field: '/id', message: 'is not a valid id' },
      ]);
    }
    return value;
  }
}

/** Drops members whose value is undefined, so optional members are absent (never undefined) in recorded data. */
export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}

/**
 * The body of a command that carries no data (`{}`): absent or an empty object. class-validator
 * refuses a class without properties outright, so this is checked here; any member is unknown.
 */
@Injectable()
export class EmptyBodyPipe implements PipeTransform<unknown, Record<string, never>> {
  transform(value: unknown): Record<string, never> {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw Problem.badRequest('ValidationFailed', 'this command takes an empty JSON object, {}', [
        { field: '', message: 'must be an empty object' },
      ]);
    }
    const members = Object.keys(value);
    if (members.length > 0) {
      throw Problem.badRequest(
        'ValidationFailed',
        'the request does not fit this endpoint; see errors',
        members.map((member) => ({ field: `/${member}`, message: 'is not a known field' })),
      );
    }
    return {};
  }
}
