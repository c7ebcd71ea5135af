import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { currentVersionOf, DATASET_EVENT_TYPES, COMPARED_MEMBERS } from '@ledger/domain';
import { ROLES } from '@ledger/events';
import { DecimalDigits } from '../http/decimal-digits';
import { Problem } from '../http/problem';
import { MinPositionQuery } from '../views/view-readiness';
import type { AsOf, DatasetAt } from './dataset-history.service';
import { DatasetDto } from './dataset.dto';

const POSITION = /^\d{1,16}$/;
/** A full RFC 3339 instant: date, time and offset (Z or ±hh:mm); fractions of a second are allowed. */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const AS_OF = new RegExp(`${POSITION.source}|${RFC3339.source}`);
const AS_OF_MESSAGE =
  'asOf must be an RFC 3339 time with its offset (e.g. 2026-11-30T08:00:00Z) or an integer journal position';

export class DatasetQuery extends MinPositionQuery {
  @ApiPropertyOptional({
    description:
      'Answer the dataset as it was after its last event at or before this point: an RFC 3339 time with offset (compared with recordedAt) or an integer globalPosition. 404 if it did not exist yet; a position beyond the journal’s head is 400.',
    examples: {
      time: { value: '2026-11-30T08:00:00Z' },
      position: { value: '41' },
    },
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(AS_OF, { message: AS_OF_MESSAGE })
  asOf?: string;
}

export class HistoryQuery extends MinPositionQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @DecimalDigits()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({
    description: 'The `next` of the previous page: the stream version after which this page starts.',
    minimum: 0,
  })
  @IsOptional()
  @DecimalDigits()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  cursor?: number;
}

export class DiffQuery extends MinPositionQuery {
  @ApiProperty({ description: 'The earlier journal position (inclusive).', minimum: 0, example: 3 })
  @DecimalDigits()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  from!: number;

  @ApiProperty({
    description: 'The later journal position (inclusive); at least `from`, at most the journal’s head.',
    minimum: 0,
    example: 41,
  })
  @DecimalDigits()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  to!: number;
}

export class ActorDto {
  @ApiProperty({ example: 'officer-1' }) id!: string;
  @ApiProperty({ enum: [...ROLES, 'public', 'system'] }) role!: string;
  @ApiPropertyOptional() organizationId?: string;
}

export class LegalBasisDto {
  @ApiProperty({ example: 'shanghai-public-data-2019/v1' }) rulebook!: string;
  @ApiProperty() article!: string;
}

export class StateChangeDto {
  @ApiProperty({ enum: COMPARED_MEMBERS }) field!: string;
  @ApiPropertyOptional({ description: 'The value before; absent where the member was absent.' })
  from?: unknown;
  @ApiPropertyOptional({ description: 'The value after; absent where the member is absent.' })
  to?: unknown;
}

export class HistoryItemDto {
  @ApiProperty() globalPosition!: number;
  @ApiProperty() streamVersion!: number;
  @ApiProperty({ enum: DATASET_EVENT_TYPES }) type!: string;
  @ApiProperty({ example: '2026-11-30T08:00:00.000Z' }) recordedAt!: string;
  @ApiProperty({ type: ActorDto }) actor!: ActorDto;
  @ApiProperty({ type: LegalBasisDto }) legalBasis!: LegalBasisDto;
  @ApiProperty({
    example:
      'Released version 3 (csv, 1,203 records; masking: phone suppressed) reopening after objection o-1',
  })
  summary!: string;
  @ApiProperty({
    type: [StateChangeDto],
    description:
      'The members of the dataset this event changed (releases show as currentVersion: versions only grow).',
  })
  changes!: StateChangeDto[];
}

export class HistoryPageDto {
  @ApiProperty({ type: [HistoryItemDto] }) items!: HistoryItemDto[];
  @ApiPropertyOptional({ description: 'Pass back as `cursor` for the next page; absent on the last.' })
  next?: string;
}

export class DatasetDiffDto {
  @ApiPropertyOptional({
    type: DatasetDto,
    description: 'The dataset as of `from`; absent when it was not registered yet.',
  })
  from?: DatasetDto;
  @ApiProperty({ type: DatasetDto, description: 'The dataset as of `to`.' }) to!: DatasetDto;
  @ApiProperty({ type: [StateChangeDto] }) changes!: StateChangeDto[];
}

/** `asOf` as validated by DatasetQuery: a position, or a time that must also exist on the calendar. */
export function parseAsOf(text: string): AsOf {
  if (POSITION.test(text)) {
    const position = Number(text);
    if (!Number.isSafeInteger(position)) throw invalidAsOf();
    return { position };
  }
  const [, year, month, day, hour, minute, second] = (RFC3339.exec(text) ?? []).map(Number);
  const time = Date.parse(text.toUpperCase());
  // Date.parse lets 2026-02-30 through as 2 March: the fields must name a real date and time of day.
  const fields = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const real =
    fields.getUTCFullYear() === year &&
    fields.getUTCMonth() === month - 1 &&
    fields.getUTCDate() === day &&
    fields.getUTCHours() === hour &&
    fields.getUTCMinutes() === minute &&
    fields.getUTCSeconds() === second;
  if (!real || Number.isNaN(time)) throw invalidAsOf();
  return { time };
}

function invalidAsOf(): Problem {
  return Problem.badRequest('ValidationFailed', 'the request does not fit this endpoint; see errors', [
    { field: '/asOf', message: AS_OF_MESSAGE },
  ]);
}

export function datasetDtoOf(id: string, { state, version, position }: DatasetAt): DatasetDto {
  if (state.status === 'unregistered')
    throw new Error(`dataset ${id} is not registered at version ${version}`);
  return {
    id,
    title: state.title,
    organizationId: state.organizationId,
    classification: state.classification,
    status: state.status,
    currentVersion: currentVersionOf(state),
    releases: state.releases,
    fields: state.fields,
    updateFrequency: state.updateFrequency,
    ...(state.suspension && { suspension: state.suspension }),
    version,
    position,
  };
}
