import type { AuditTrailExportedV1 } from '@ledger/events';
import { DomainEvent, unchanged } from '../decider';

export type AuditExportEvent = DomainEvent<'AuditTrailExported', AuditTrailExportedV1>;

export type AuditExportState = { status: 'none' } | { status: 'exported'; checkpointSize: number };

export const initialAuditExportState: AuditExportState = { status: 'none' };

export function evolveAuditExport(state: AuditExportState, event: AuditExportEvent): AuditExportState {
  switch (event.type) {
    case 'AuditTrailExported':
      return { status: 'exported', checkpointSize: event.data.checkpointSize };
    default:
      return unchanged(event.type, state);
  }
}
