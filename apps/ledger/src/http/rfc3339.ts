import { applyDecorators } from '@nestjs/common';
import { IsString, ValidateBy } from 'class-validator';

const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/** A time member: RFC 3339 with a zone (`2026-12-01T08:00:00+08:00`) naming a real instant (no 24:61). */
export const IsRfc3339Time = () =>
  applyDecorators(
    IsString(),
    ValidateBy({
      name: 'isRfc3339Time',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && RFC_3339.test(value) && !Number.isNaN(Date.parse(value)),
        defaultMessage: () => '$property is an RFC 3339 time with a zone, e.g. 2026-12-01T00:00:00Z',
      },
    }),
  );

/** The time as the journal records times: UTC, milliseconds (`YYYY-MM-DDTHH:mm:ss.sssZ`). */
export function toRecordedTime(value: string): string {
  return new Date(value).toISOString();
}
