import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The process's Prometheus metrics, served at /metrics. */
/** What a bounded in-memory cache holds now and the most it may hold, in (estimated) bytes. */
export interface CacheSize {
  bytes: number;
  boundBytes: number;
}

export class LedgerMetrics {
  readonly registry = new Registry();
  private readonly caches = new Map<string, () => CacheSize>();

  readonly journalHead = new Gauge({
    name: 'ledger_journal_head_position',
    help: 'Last global position this process has seen committed',
    registers: [this.registry],
  });
  readonly appendedEvents = new Counter({
    name: 'ledger_journal_appended_events_total',
    help: 'Events this process appended to the journal',
    registers: [this.registry],
  });
  readonly groupCommitSize = new Histogram({
    name: 'ledger_journal_group_commit_events',
    help: 'Events written per group commit',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000],
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'ledger_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly logTreeSize = new Gauge({
    name: 'ledger_log_tree_size',
    help: 'Entries the transparency log has integrated (as seen by this process)',
    registers: [this.registry],
  });
  readonly logCheckpointSize = new Gauge({
    name: 'ledger_log_checkpoint_tree_size',
    help: 'Tree size of the latest checkpoint this process signed',
    registers: [this.registry],
  });
  readonly logFailures = new Counter({
    name: 'ledger_log_failures_total',
    help: 'Integration or signing rounds of the transparency log that failed',
    labelNames: ['activity'],
    registers: [this.registry],
  });

  readonly projectionPosition = new Gauge({
    name: 'ledger_projection_position',
    help: 'The journal position each projection has applied',
    labelNames: ['projection'],
    registers: [this.registry],
  });
  readonly projectionLag = new Gauge({
    name: 'ledger_projection_lag_events',
    help: 'Events appended to the journal that a projection has not applied yet',
    labelNames: ['projection'],
    registers: [this.registry],
  });

  /**
   * The caches that fill as the ledger is used (the log's tiles, dataset timelines): memory that grows
   * up to a bound by design, told apart from memory that grows without one.
   */
  readonly cacheBytes: Gauge<'cache'> = new Gauge({
    name: 'ledger_cache_bytes',
    help: 'What a bounded in-memory cache holds now (estimated bytes)',
    labelNames: ['cache'],
    registers: [this.registry],
    collect: (): void => this.collectCaches((size) => size.bytes, this.cacheBytes),
  });
  readonly cacheBoundBytes: Gauge<'cache'> = new Gauge({
    name: 'ledger_cache_bound_bytes',
    help: 'The most a bounded in-memory cache may hold (estimated bytes)',
    labelNames: ['cache'],
    registers: [this.registry],
    collect: (): void => this.collectCaches((size) => size.boundBytes, this.cacheBoundBytes),
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Reports a cache's size under `ledger_cache_bytes{cache="<name>"}` at every scrape. */
  watchCache(name: string, size: () => CacheSize): void {
    this.caches.set(name, size);
  }

  private collectCaches(pick: (size: CacheSize) => number, gauge: Gauge<'cache'>): void {
    for (const [name, size] of this.caches) gauge.set({ cache: name }, pick(size()));
  }

  recordCommit(head: number, events: number): void {
    this.journalHead.set(head);
    this.appendedEvents.inc(events);
    this.groupCommitSize.observe(events);
  }
}
