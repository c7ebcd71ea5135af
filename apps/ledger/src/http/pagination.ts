import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DecimalDigits } from './decimal-digits';

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @DecimalDigits()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `next` of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  next?: string;
}

/** A page of items sorted by id: the cursor is the last id of the previous page. */
export function pageById<T extends { id: string }>(sorted: T[], query: PageQuery): Page<T> {
  const limit = query.limit ?? 100;
  const start =
    query.cursor === undefined ? 0 : sorted.findIndex((item) => item.id > (query.cursor as string));
  const items = start < 0 ? [] : sorted.slice(start, start + limit);
  const more = start >= 0 && start + limit < sorted.length;
  return more ? { items, next: items[items.length - 1].id } : { items };
}
