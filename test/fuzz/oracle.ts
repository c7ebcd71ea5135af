import type { LedgerUnderTest } from '../support/ledger-under-test';
import { NoAnswer, WireAnswer } from './wire';

/**
 * What every answer must be: an answer at all, below 500, and a refusal as RFC 9457 problem
 * details with `type`, `title`, `status` (the answer's own) and a `code`. Answers what is wrong, or nothing.
 */
export function judge(answer: WireAnswer | NoAnswer): string | undefined {
  if (answer instanceof NoAnswer) return `no answer (${answer.message})`;
  if (answer.status >= 500) return `answered ${answer.status}: ${preview(answer.body)}`;
  if (answer.status < 400) return undefined;
  const type = answer.headers['content-type'] ?? '';
  if (!type.startsWith('application/problem+json')) {
    return `answered ${answer.status} as ${type || 'no content type'}, not application/problem+json: ${preview(answer.body)}`;
  }
  let problem: Record<string, unknown>;
  try {
    problem = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return `answered ${answer.status} with a problem that is not JSON: ${preview(answer.body)}`;
  }
  const missing = ['type', 'title', 'code'].filter(
    (member) => typeof problem[member] !== 'string' || (problem[member] as string).length === 0,
  );
  if (missing.length > 0 || problem.status !== answer.status) {
    return `answered ${answer.status} with a problem lacking ${[...missing, ...(problem.status !== answer.status ? ['status'] : [])].join(', ')}: ${preview(answer.body)}`;
  }
  return undefined;
}

function preview(body: Buffer): string {
  const textOf = body.toString('utf8');
  return textOf.length > 300 ? `${textOf.slice(0, 300)}…` : textOf;
}

interface JournalEntry {
  globalPosition: number;
  type: string;
  metadata?: { correlationId?: string };
}

/**
 * Proves refused requests wrote nothing. The ledger writes correlationId = the request's id on
 * every entry a request causes (and its reactions inherit it), so each refused request's id is kept
 * until the next check, which reads the head and, only if it moved, the entries appended since the
 * last check: an entry naming a refused request is a write by a refused request. When every request
 * since the last check was refused, the head must not have moved at all, except for reactions to
 * requests accepted earlier — entries naming a request id that was never accepted fail too.
 */
export class JournalWatch {
  private head = -1;
  private readonly refused = new Map<string, string>();
  /** Ids an accepted request used too (a client may send any X-Request-Id): what they wrote is theirs. */
  private readonly accepted = new Set<string>();
  private readonly everAccepted = new Set<string>();
  readonly writesByRefused: string[] = [];
  /** Stretches of refused requests only during which the head moved anyway (reactions to earlier requests). */
  movedWhileRefusing = 0;
  checks = 0;

  constructor(
    private readonly ledger: LedgerUnderTest,
    private readonly adminToken: string,
  ) {}

  /** Starts from the head as it is: call it once what came before has settled. */
  async start(): Promise<void> {
    this.head = await this.ledger.head();
  }

  /** A request that was refused, by its request id, described for the report. */
  refusedRequest(requestId: string, description: string): void {
    if (!this.accepted.has(requestId)) this.refused.set(requestId, description);
  }

  acceptedRequest(requestId: string): void {
    this.accepted.add(requestId);
    this.everAccepted.add(requestId);
    this.refused.delete(requestId);
  }

  get pending(): number {
    return this.refused.size;
  }

  /** Reads the head, and the entries since the last check if it moved; forgets the requests checked. */
  async check(): Promise<void> {
    this.checks++;
    const head = await this.ledger.head();
    if (head !== this.head) {
      const refusedOnly = this.accepted.size === 0;
      if (refusedOnly) this.movedWhileRefusing++;
      for (const entry of await this.entriesAfter(this.head, head)) {
        const correlationId = entry.metadata?.correlationId;
        if (correlationId === undefined) continue;
        if (this.refused.has(correlationId)) {
          this.writesByRefused.push(
            `${entry.type} at ${entry.globalPosition} was written by a refused request: ${this.refused.get(correlationId)}`,
          );
        } else if (refusedOnly && !this.everAccepted.has(correlationId)) {
          this.writesByRefused.push(
            `${entry.type} at ${entry.globalPosition} (correlationId ${correlationId}) was written while only refused requests were answered`,
          );
        }
      }
      this.head = head;
    }
    this.refused.clear();
    this.accepted.clear();
  }

  private async entriesAfter(from: number, to: number): Promise<JournalEntry[]> {
    const entries: JournalEntry[] = [];
    let next = from + 1;
    while (next <= to) {
      const page = await this.ledger.get(`/v1/events?from=${next}&limit=1000`, { token: this.adminToken });
      if (page.status !== 200) throw new Error(`reading the journal failed: ${page.status} ${page.text}`);
      entries.push(...(page.body.events as JournalEntry[]).filter((entry) => entry.globalPosition <= to));
      if (page.body.events.length === 0) break;
      next = page.body.next;
    }
    return entries;
  }
}

/** Requests per operation and the statuses they drew, for the summary at the end. */
export class Tally {
  private readonly byOperation = new Map<string, Map<string, number>>();
  private readonly byLabel = new Map<string, number>();
  private readonly milliseconds = new Map<string, number>();

  took(operation: string, milliseconds: number): void {
    this.milliseconds.set(operation, (this.milliseconds.get(operation) ?? 0) + milliseconds);
  }

  count(operation: string, status: string, labels: string[]): void {
    const statuses = this.byOperation.get(operation) ?? new Map<string, number>();
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    this.byOperation.set(operation, statuses);
    for (const label of labels) {
      const kind = label.split(':')[0];
      this.byLabel.set(kind, (this.byLabel.get(kind) ?? 0) + 1);
    }
  }

  requestsOf(operation: string): number {
    return [...(this.byOperation.get(operation)?.values() ?? [])].reduce((sum, n) => sum + n, 0);
  }

  get total(): number {
    return [...this.byOperation.keys()].reduce((sum, operation) => sum + this.requestsOf(operation), 0);
  }

  summary(): string {
    const statuses = new Map<string, number>();
    const lines = [...this.byOperation.entries()].map(([operation, counts]) => {
      for (const [status, n] of counts) statuses.set(status, (statuses.get(status) ?? 0) + n);
      const spread = [...counts.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([status, n]) => `${status}×${n}`)
        .join(' ');
      const seconds = ((this.milliseconds.get(operation) ?? 0) / 1000).toFixed(1);
      return `  ${operation.padEnd(52)} ${String(this.requestsOf(operation)).padStart(4)} ${seconds.padStart(5)}s  ${spread}`;
    });
    const overall = [...statuses.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, n]) => `${status}×${n}`)
      .join(' ');
    const kinds = [...this.byLabel.entries()]
      .sort(([, a], [, b]) => b - a)
      .map(([kind, n]) => `${kind}×${n}`)
      .join(' ');
    return [
      `${this.total} requests over ${this.byOperation.size} operations; statuses: ${overall}`,
      `hostile dimensions: ${kinds}`,
      ...lines,
    ].join('\n');
  }
}
