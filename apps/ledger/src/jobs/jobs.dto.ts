import { ApiProperty } from '@nestjs/swagger';

export class QueueCountsDto {
  @ApiProperty() waiting!: number;
  @ApiProperty() delayed!: number;
  @ApiProperty() active!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({
    description: 'Kept for a while after completion (BullMQ: an hour; in-process: since start).',
  })
  completed!: number;
}

export class OutboxCountsDto {
  @ApiProperty() queue!: string;
  @ApiProperty({ description: 'Not yet handed to the runner (most are timers not due yet).' })
  pending!: number;
  @ApiProperty({ description: 'Handed to the runner, not completed yet.' })
  dispatched!: number;
  @ApiProperty() completed!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The earliest due time of what is not completed.',
  })
  nextRunAt!: string | null;
}

export class JobsOverviewDto {
  @ApiProperty({ enum: ['bullmq', 'in-process'] })
  runner!: 'bullmq' | 'in-process';
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/QueueCountsDto' },
    nullable: true,
    description: "The runner's jobs per queue and state; null when the runner did not answer (Redis away).",
  })
  queues!: Record<string, QueueCountsDto> | null;
  @ApiProperty({ required: false, description: 'Why `queues` is null.' })
  queuesError?: string;
  @ApiProperty({ type: [OutboxCountsDto] })
  outbox!: OutboxCountsDto[];
}
