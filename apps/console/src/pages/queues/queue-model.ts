import type { MessageKey } from '../../i18n/messages';
import type { RouteKey } from '../../session/session';

/** The three queues of the page, as the hash path names them (`#/queues/objections`). */
export type QueueKind = 'corrections' | 'objections' | 'applications';
export const QUEUE_KINDS: readonly QueueKind[] = ['corrections', 'objections', 'applications'];

/**
 * One item of GET /v1/corrections, /v1/objections or /v1/applications: the fields every queue item
 * carries ({id, status, dueAt, overdue}) and those of a case or an application the page shows.
 */
export interface QueueItem {
  id: string;
  status: string;
  dueAt?: string;
  overdue: boolean;
  /** Seconds until dueAt at the time of the request, negative when overdue; absent once decided. */
  timeRemaining?: number;
  datasetId: string;
  organizationId?: string;
  /** Corrections and objections. */
  filedAt?: string;
  /** Applications. */
  submittedAt?: string;
  outcome?: string;
  releaseVersion?: number;
  reasonCodes?: string[];
  position: number;
}

/** The answer of every command (http-api.md, "Commands"). */
export interface CommandAnswer {
  id: string;
  streamId: string;
  streamVersion: number;
  events: { id: string; type: string; streamId: string; streamVersion: number; globalPosition: number }[];
}

interface KindSpec {
  list: RouteKey;
  /** The list's path. */
  path: string;
  label: MessageKey;
  /** The aggregate's stream category: `correction-<id>`. */
  stream: string;
  /** The statuses the list filter offers (besides "any" and "open"). */
  statuses: string[];
}

export const KINDS: Record<QueueKind, KindSpec> = {
  corrections: {
    list: 'GET /v1/corrections',
    path: '/v1/corrections',
    label: 'queues.kind.corrections',
    stream: 'correction',
    statuses: ['submitted', 'under_verification', 'corrected', 'no_error_found'],
  },
  objections: {
    list: 'GET /v1/objections',
    path: '/v1/objections',
    label: 'queues.kind.objections',
    stream: 'objection',
    statuses: ['filed', 'under_verification', 'withdrawn', 'restored', 'reopened_after_processing'],
  },
  applications: {
    list: 'GET /v1/applications',
    path: '/v1/applications',
    label: 'queues.kind.applications',
    stream: 'application',
    statuses: ['submitted', 'supplement_requested', 'approved', 'agreement_signed', 'rejected', 'withdrawn'],
  },
};

/** Overdue ones first, keeping the server's order (earliest running deadline first) otherwise. */
export function overdueFirst(items: QueueItem[]): QueueItem[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => Number(b.item.overdue) - Number(a.item.overdue) || a.index - b.index)
    .map(({ item }) => item);
}

/** The last journal position a command wrote, for `minPosition` (read-your-writes). */
export function lastPosition(answer: CommandAnswer): number | undefined {
  const positions = answer.events.map((event) => event.globalPosition);
  return positions.length === 0 ? undefined : Math.max(...positions);
}

export function splitList(text: string): string[] {
  return text
    .split(/[,，\s]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}
