import { applyDecorators } from '@nestjs/common';
import { IsString, ValidateBy } from 'class-validator';

const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Whether an instant falls in a four-digit UTC year from 1000 on: what `YYYY-MM-DDTHH:mm:ss.sssZ`
 * writes, PostgreSQL keeps (it has no year 0) and the working-day calendar counts (Date.UTC reads years
 * 0–99 as 1900–1999). An agreement valid from 0000-01-01 was recorded, and two projections then failed
 * on it for good.
 */
export function isRecordableInstant(time: number): boolean {
  if (Number.isNaN(time)) return false;
  const year = new Date(time).getUTCFullYear();
  return year >= 1000 && year <= 9999;
}

/** A time member: RFC 3339 with a zone (`2026-12-01T08:00:00+08:00`) naming a real, recordable instant (no 24:61, no year 0). */
export const IsRfc3339Time = () =>
  applyDecorators(
    IsString(),
    ValidateBy({
      name: 'isRfc3339Time',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && RFC_3339.test(value) && isRecordableInstant(Date.parse(value)),
        defaultMessage: () =>
          '$property is an RFC 3339 time with a zone, from the year 1000 to 9999, e.g. 2026-12-01T00:00:00Z',
      },
    }),
  );

/** The time as the journal records times: UTC, milliseconds (`YYYY-MM-DDTHH:mm:ss.sssZ`). */
export function toRecordedTime(value: string): string {
  return new Date(value).toISOString();
}
