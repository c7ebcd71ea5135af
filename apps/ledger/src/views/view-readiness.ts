import { Inject, Injectable } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ProjectionEngine } from '@ledger/projections';
import { EVENT_STORE } from '@ledger/runtime';
import type { EventStore } from '@ledger/store';
import { DecimalDigits } from '../http/decimal-digits';
import { Problem } from '../http/problem';

/** How long a view waits for its projection to reach `minPosition` before answering 503. */
const WAIT_MS = 5_000;
const POLL_MS = 25;

/** `minPosition` on every view (http-api.md, "Views"): read-your-writes after a command. */
export class MinPositionQuery {
  @ApiPropertyOptional({
    description:
      'Answer only once the view has applied this journal position (e.g. the globalPosition a command answered): waits up to 5 s, then 503. Beyond the journal’s head: 400.',
    minimum: 0,
  })
  @IsOptional()
  @DecimalDigits()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;
}

/**
 * Waits until a projection has applied a position. The worker may run in this process (its runner's
 * position is known at once) or in another (the checkpoint is read from the database).
 */
@Injectable()
export class ViewReadiness {
  constructor(
    private readonly engine: ProjectionEngine,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async ensure(projection: string, minPosition: number | undefined): Promise<void> {
    if (minPosition === undefined) return;
    const head = await this.store.head();
    if (minPosition > head) {
      throw Problem.badRequest(
        'PositionBeyondHead',
        `the journal ends at position ${head}; minPosition ${minPosition} has not been written`,
        [{ field: '/minPosition', message: `must be at most ${head}` }],
      );
    }
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      if ((await this.applied(projection)) >= minPosition) return;
      if (Date.now() >= deadline) {
        throw new Problem(
          503,
          'ViewNotCaughtUp',
          `the ${projection} view has not applied position ${minPosition} within 5 s; retry shortly`,
          {
            headers: { 'retry-after': '1' },
          },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** The last position a projection has applied (-1: none). */
  async applied(projection: string): Promise<number> {
    const local = this.engine.appliedPositions().get(projection);
    if (local !== undefined) return local;
    return (await this.engine.checkpoints()).get(projection) ?? -1;
  }
}
