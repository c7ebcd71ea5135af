import { Transform } from 'class-transformer';

/**
 * Query values arrive as strings, and only decimal digits become a number: Number() alone reads '' and
 * ' ' as 0 and '1e2' or '0x10' as numbers, which would answer for a position nobody asked for. Anything
 * else stays as it came, for @IsInt to refuse with a field error.
 */
export const DecimalDigits = () =>
  Transform(({ value }) => (typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value));
