import { Injectable, PipeTransform } from '@nestjs/common';
import { Problem } from './problem';

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
