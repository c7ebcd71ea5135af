import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { ProjectionEngine } from '@ledger/projections';
import { EVENT_STORE, LedgerMetrics, REDIS, Redis, TRANSPARENCY_LOG } from '@ledger/runtime';
import type { EventStore, TransparencyLog } from '@ledger/store';

const CHECK_TIMEOUT_MS = 2_000;

@ApiTags('operations')
@Controller()
export class OperationsController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly metrics: LedgerMetrics,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(TRANSPARENCY_LOG) private readonly log: TransparencyLog,
    private readonly projections: ProjectionEngine,
  ) {}

  @Get('health/live')
  @ApiOperation({ summary: 'Liveness: the process answers (restart it if not)' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @ApiOperation({
    summary:
      'Readiness: the journal database (and Redis, when configured) answer; 503 with the failing part otherwise. ' +
      "Also reports how far the transparency log's tree and latest checkpoint are behind the journal (informational).",
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    try {
      return await this.health.check([
        () => this.checkJournal(),
        () => this.checkRedis(),
        () => this.describeLog(),
        () => this.describeProjections(),
      ]);
    } catch (error) {
      reply.status(503).header('retry-after', '5');
      return (error as { response?: unknown }).response ?? { status: 'error' };
    }
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics' })
  async prometheus(): Promise<string> {
    await this.measureProjectionLag().catch(() => undefined);
    return this.metrics.registry.metrics();
  }

  /** Each projection's applied position and lag behind the journal, as the database records them. */
  private async measureProjectionLag(): Promise<Record<string, { position: number; lag: number }>> {
    const [head, checkpoints] = await withTimeout(
      Promise.all([this.store.head(), this.projections.checkpoints()]),
      'the journal database did not answer',
    );
    const lags: Record<string, { position: number; lag: number }> = {};
    for (const { name } of this.projections.registered) {
      const position = checkpoints.get(name) ?? -1;
      const lag = head - position;
      this.metrics.projectionPosition.set({ projection: name }, position);
      this.metrics.projectionLag.set({ projection: name }, lag);
      lags[name] = { position, lag };
    }
    return lags;
  }

  /** Lagging views answer `minPosition` reads late but never stop appends: informational, like the log. */
  private async describeProjections(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('projections');
    try {
      return check.up(await this.measureProjectionLag());
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }

  private async checkJournal(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('journal');
    try {
      const head = await withTimeout(this.store.head(), 'the journal database did not answer');
      return check.up({ backend: this.store.backend, head });
    } catch (error) {
      return check.down({ backend: this.store.backend, message: (error as Error).message });
    }
  }

  /** A log behind the journal does not stop appends, so it never makes the ledger unready; it is shown for operators. */
  private async describeLog(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('transparencyLog');
    try {
      const [head, tree, checkpoint] = await withTimeout(
        Promise.all([this.store.head(), this.log.treeHead(), this.log.latestCheckpoint()]),
        'the journal database did not answer',
      );
      return check.up({
        treeSize: tree.size,
        entriesNotYetInTree: head + 1 - tree.size,
        latestCheckpointSize: checkpoint?.treeSize ?? null,
        latestCheckpointAt: checkpoint?.signedAt.toISOString() ?? null,
      });
    } catch (error) {
      return check.up({ message: (error as Error).message });
    }
  }

  private async checkRedis(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('redis');
    if (!this.redis) return check.up({ configured: false, message: 'no REDIS_URL: jobs run in-process' });
    try {
      await withTimeout(this.redis.ping(), 'Redis did not answer');
      return check.up({ configured: true });
    } catch (error) {
      return check.down({ configured: true, message: (error as Error).message });
    }
  }
}

function withTimeout<T>(work: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
