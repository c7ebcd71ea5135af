import type { Translate } from '../../i18n/i18n';
import { MESSAGES, MessageKey } from '../../i18n/messages';

/** A dataset as the views answer it (http-api.md, "Views"). */
export interface Dataset {
  id: string;
  title: string;
  organizationId: string;
  classification: string;
  status: string;
  currentVersion: number;
  releases?: number[];
  fields?: string[];
  updateFrequency?: string;
  openConditions?: string;
  suspension?: { cause: string; causeRef?: string };
  version: number;
  position: number;
  registeredAt?: string;
  lastReleasedAt?: string;
  updatedAt?: string;
}

/** A message key made of a prefix and a value the ledger sent, if there is such a message. */
function keyOf(prefix: string, value: string): MessageKey | undefined {
  const key = `${prefix}.${value}`;
  return key in MESSAGES.zh ? (key as MessageKey) : undefined;
}

/** The words for a value of a known vocabulary (status, classification…), or the value itself. */
export function label(t: Translate, prefix: string, value: string): string {
  const key = keyOf(prefix, value);
  return key ? t(key) : value;
}

export function statusBadgeClass(status: string): string {
  return status === 'open'
    ? 'badge ok'
    : status === 'suspended'
      ? 'badge warn'
      : status === 'withdrawn'
        ? 'badge bad'
        : 'badge';
}

/** A member of a dataset's state in words: '—' where it is absent. */
export function formatValue(t: Translate, field: string, value: unknown): string {
  if (value === undefined || value === null) return '—';
  switch (field) {
    case 'status':
      return label(t, 'history.status', String(value));
    case 'classification':
      return label(t, 'history.classification', String(value));
    case 'updateFrequency':
      return label(t, 'history.frequency', String(value));
    case 'suspension': {
      const suspension = value as { cause?: string; causeRef?: string };
      const cause = label(t, 'history.cause', String(suspension.cause ?? ''));
      return suspension.causeRef ? `${cause} · ${suspension.causeRef}` : cause;
    }
    default:
      if (Array.isArray(value)) return value.length === 0 ? '—' : value.map(String).join(', ');
      if (typeof value === 'object') return JSON.stringify(value);
      return String(value);
  }
}
