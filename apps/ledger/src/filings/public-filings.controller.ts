import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import {
  aggregateIdOf,
  categoryOf,
  isValidStreamId,
  LedgerEntry,
  STREAM_CATEGORIES,
  streamIdOf,
} from '@ledger/events';
import { EVENT_STORE, Rulebooks } from '@ledger/runtime';
import type { EventStore, StoredEntry } from '@ledger/store';
import { Problem } from '../http/problem';
import { caseDeadlines } from './case-deadlines';

export class FilingDeadlineDto {
  @ApiProperty({ example: 'correction_verification' }) clock!: string;
  @ApiProperty({ description: 'When the clock runs out (the close of the last working day, Asia/Shanghai).' })
  dueAt!: string;
  @ApiPropertyOptional({ description: 'When the clock was stopped, if it was.' }) metAt?: string;
  @ApiProperty({ enum: ['running', 'met', 'missed'] }) state!: 'running' | 'met' | 'missed';
  @ApiProperty({ description: 'The rulebook version the deadline was computed under.' }) rulebook!: string;
}

export class FilingOutcomeDto {
  @ApiProperty() outcome!: string;
  @ApiProperty() explanation!: string;
  @ApiPropertyOptional() releaseVersion?: number;
  @ApiProperty() resolvedAt!: string;
}

export class PublicFilingDto {
  @ApiProperty() receipt!: string;
  @ApiProperty({ enum: ['correction', 'objection'] }) kind!: 'correction' | 'objection';
  @ApiProperty() datasetId!: string;
  @ApiProperty({ example: 'under_verification' }) status!: string;
  @ApiProperty() filedAt!: string;
  @ApiProperty({ type: [FilingDeadlineDto] }) deadlines!: FilingDeadlineDto[];
  @ApiPropertyOptional({ type: FilingOutcomeDto }) outcome?: FilingOutcomeDto;
}

/** A stream's events as the public may see them: type, time, rulebook and the non-personal data. */
interface PublicEvent {
  type: string;
  recordedAt: string;
  rulebook: string;
  data: Record<string, unknown>;
}

/**
 * The filer's window on their filing: status, deadlines and outcome, found by the receipt the filing
 * answered with, with no login and no personal data (the sealed members are never read here).
 */
@ApiTags('public')
@Controller('v1/public/filings')
export class PublicFilingsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly rulebooks: Rulebooks,
  ) {}

  @Get(':receipt')
  @ApiOperation({
    summary: 'A correction’s or objection’s status, deadlines and outcome, by its receipt (no login)',
  })
  @ApiOkResponse({ type: PublicFilingDto })
  async read(@Param('receipt') receipt: string): Promise<PublicFilingDto> {
    const kind = categoryOf(receipt);
    if (
      !isValidStreamId(receipt) ||
      (kind !== STREAM_CATEGORIES.correction && kind !== STREAM_CATEGORIES.objection)
    ) {
      throw Problem.badRequest(
        'InvalidReceipt',
        'a receipt looks like correction-… or objection-…, as the filing answered',
        [{ field: '/receipt', message: 'is not a filing receipt' }],
      );
    }
    const events = (await this.store.readStream(receipt)).entries.map(publicEventOf);
    const filed = events[0];
    if (!filed) throw Problem.notFound('FilingNotFound', `no filing has the receipt ${receipt}`);
    const resolved = events.find((event) => event.type.endsWith('Resolved'));
    const verifying = events.some((event) => event.type.endsWith('VerificationStarted'));
    const datasetId = String(filed.data.datasetId);
    const status = resolved
      ? String(resolved.data.outcome)
      : verifying
        ? 'under_verification'
        : kind === 'correction'
          ? 'submitted'
          : 'filed';
    const deadlines = caseDeadlines(
      this.rulebooks,
      kind,
      {
        filedAt: filed.recordedAt,
        rulebook: filed.rulebook,
        suspendedAt: kind === 'objection' ? await this.suspendedAt(receipt, datasetId) : undefined,
        resolvedAt: resolved?.recordedAt,
      },
      new Date(),
    );
    return {
      receipt,
      kind,
      datasetId,
      status,
      filedAt: filed.recordedAt,
      deadlines,
      ...(resolved && {
        outcome: {
          outcome: String(resolved.data.outcome),
          explanation: String(resolved.data.explanation),
          ...(typeof resolved.data.releaseVersion === 'number' && {
            releaseVersion: resolved.data.releaseVersion,
          }),
          resolvedAt: resolved.recordedAt,
        },
      }),
    };
  }

  /** When this objection first suspended its dataset, if it did. */
  private async suspendedAt(receipt: string, datasetId: string): Promise<string | undefined> {
    const objectionId = aggregateIdOf(receipt);
    const dataset = (
      await this.store.readStream(streamIdOf(STREAM_CATEGORIES.dataset, datasetId))
    ).entries.map(publicEventOf);
    const suspension = dataset.find(
      (event) =>
        event.type === 'DatasetSuspended' &&
        event.data.cause === 'objection' &&
        event.data.causeRef === objectionId,
    );
    return suspension?.recordedAt;
  }
}

function publicEventOf(stored: StoredEntry): PublicEvent {
  const entry = JSON.parse(stored.canonical) as LedgerEntry;
  return {
    type: entry.type,
    recordedAt: entry.recordedAt,
    rulebook: entry.metadata.legalBasis.rulebook,
    data: entry.data,
  };
}
