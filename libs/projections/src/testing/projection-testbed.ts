import type { JsonObject } from '@ledger/events';
import type { SqlQueryable } from '@ledger/store';
import { aNewEvent } from '../../../../test/builders/events';
import { openTestJournal } from '../../../../test/support/test-backend';
import type { ProjectedEvent, Projection } from '../engine/projection';
import { projectedEventOf, ProjectionEngine } from '../engine/projection-engine';
import { generationSchema } from '../engine/projection.sql';

type TestJournal = Awaited<ReturnType<typeof openTestJournal>>;

/** An event for `given`: its stream, type and data; the rest is filled in. */
export interface GivenEvent {
  streamId: string;
  type: string;
  data: JsonObject;
  actor?: { id: string; role: string; organizationId?: string };
  rulebook?: string;
}

/**
 * A projection over a real journal of the test backend (PGlite, or PostgreSQL under
 * `npm run test:services`): given events are appended and applied through the engine, then the
 * test reads rows through the stable views (`ledger_views.<table>`). `applyAgain` applies a batch a
 * second time to show it gives the same rows.
 */
export class ProjectionTestbed {
  private constructor(
    readonly journal: TestJournal,
    readonly engine: ProjectionEngine,
    readonly projection: Projection,
  ) {}

  static async open(projection: Projection): Promise<ProjectionTestbed> {
    const journal = await openTestJournal();
    const engine = new ProjectionEngine(journal.database, journal.store);
    engine.register(projection);
    await engine.catchUp(projection.name);
    return new ProjectionTestbed(journal, engine, projection);
  }

  /** Appends the events (one append per event, in order) and applies them; returns them as the projection saw them. */
  async given(events: GivenEvent[]): Promise<ProjectedEvent[]> {
    const from = (await this.journal.store.head()) + 1;
    for (const event of events) {
      await this.journal.store.append(
        event.streamId,
        [
          aNewEvent({
            type: event.type,
            data: event.data,
            metadata: {
              actor: (event.actor ?? {
                id: 'officer-1',
                role: 'body_officer',
                organizationId: 'org-a',
              }) as never,
              legalBasis: { rulebook: event.rulebook ?? 'shanghai-public-data-2019/v1', article: 'art. 1' },
            },
            source: 'urn:open-data-ledger:api',
          }),
        ],
        { expectedVersion: 'any' },
      );
    }
    await this.engine.catchUp(this.projection.name);
    const stored = await this.journal.store.readAll({ fromPosition: from, limit: 100_000 });
    return stored.map(projectedEventOf);
  }

  /** Applies a batch again, in a transaction of its own, to the serving generation's tables. */
  async applyAgain(events: readonly ProjectedEvent[]): Promise<void> {
    const [row] = await this.journal.database.query<{ active_generation: number }>(
      'SELECT active_generation FROM ledger_views.projections WHERE name = $1',
      [this.projection.name],
    );
    const schema = generationSchema(this.projection.name, row.active_generation);
    await this.journal.database.transaction((tx) => this.projection.apply(tx, events, schema));
  }

  get db(): SqlQueryable {
    return this.journal.database;
  }

  async rows<TRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<TRow[]> {
    return this.journal.database.query<TRow>(sql, params);
  }

  dispose(): Promise<void> {
    return this.journal.dispose();
  }
}
