import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { AGGREGATE_ID_PATTERN } from '@ledger/events';
import { CommandResponseDto } from '../http/command-response';

/** Validated only when present: `null` is refused like any other non-string. */
const Present = () => ValidateIf((_: unknown, value: unknown) => value !== undefined);

export class ErasePersonalDataDto {
  @ApiPropertyOptional({
    description:
      'The contact as it was filed (e-mail, phone…). Case, width, surrounding spaces and, for phone numbers, separators do not matter; a country code does. Never stored or logged.',
    example: 'zhang.san@example.cn',
  })
  @Present()
  @IsString()
  @Matches(/\S/, { message: 'contact must not be blank' })
  @MaxLength(500)
  contact?: string;

  @ApiPropertyOptional({
    description:
      'A principal whose filings (made while logged in) are erased, with whatever contact they named.',
    example: 'c0a8012e-7f00-4f4c-9d2a-1b2c3d4e5f60',
  })
  @Present()
  @IsString()
  @Matches(AGGREGATE_ID_PATTERN, { message: 'principalId is not a valid id' })
  principalId?: string;

  @ApiProperty({
    description: 'Why, as recorded in the journal for good: it must not repeat the contact.',
    example: 'request of the data subject, ticket 2026-118',
  })
  @IsString()
  @Matches(/\S/, { message: 'reason must not be blank' })
  @MaxLength(2000)
  reason!: string;
}

export class ErasureResponseDto extends CommandResponseDto {
  @ApiProperty({ description: 'How many personal-data keys were erased.', example: 2 })
  erased!: number;
}
