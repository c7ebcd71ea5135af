import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JOB_RUNNER, JobRunner, JOURNAL, outboxCounts } from '@ledger/runtime';
import type { Journal } from '@ledger/store';
import { JobsOverviewDto, QueueCountsDto } from './jobs.dto';

const RUNNER_TIMEOUT_MS = 2_000;

/** The job queues at a glance, for platform admins (issue 5: an admin view of the queues). */
@ApiTags('operations')
@ApiBearerAuth()
@ApiExtraModels(QueueCountsDto)
@Controller('v1/admin/jobs')
export class JobsController {
  constructor(
    @Inject(JOB_RUNNER) private readonly runner: JobRunner,
    @Inject(JOURNAL) private readonly journal: Journal,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The job runner and the job outbox, per queue',
    description:
      'Which runner serves the jobs (BullMQ on Redis, or in-process), its jobs per queue and state, and the job ' +
      "outbox's rows per queue: pending (timers not due yet included), handed to the runner, completed. Platform admins only.",
  })
  @ApiOkResponse({ type: JobsOverviewDto })
  async overview(): Promise<JobsOverviewDto> {
    const outbox = await outboxCounts(this.journal.database);
    let timer: NodeJS.Timeout | undefined;
    try {
      const queues = await Promise.race([
        this.runner.counts(outbox.map((row) => row.queue)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('the job runner did not answer')), RUNNER_TIMEOUT_MS);
        }),
      ]);
      return { runner: this.runner.kind, queues, outbox };
    } catch (error) {
      return { runner: this.runner.kind, queues: null, queuesError: (error as Error).message, outbox };
    } finally {
      clearTimeout(timer);
    }
  }
}
