import { applyDecorators, Injectable, PipeTransform } from '@nestjs/common';
import { IsString, Matches } from 'class-validator';
import { AGGREGATE_ID_PATTERN } from '@ledger/events';
import { Problem } from './problem';

const ID_RULE = 'may hold letters, digits and . _ ~ : - (up to 128 characters)';

/** An aggregate id in a body or query member: a string of AGGREGATE_ID_PATTERN, else a field error naming the member. */
export const IsAggregateId = () =>
  applyDecorators(IsString(), Matches(AGGREGATE_ID_PATTERN, { message: `$property ${ID_RULE}` }));

/** An aggregate id in a path (`/v1/datasets/{id}`): refused with 400 before anything is read. */
@Injectable()
export class AggregateIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!AGGREGATE_ID_PATTERN.test(value)) {
      throw Problem.badRequest('InvalidId', `ids ${ID_RULE.replace('may hold', 'hold')}`, [
        { field: '/id', message: 'is not a valid id' },
      ]);
    }
    return value;
  }
}
