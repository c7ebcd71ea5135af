import type { AuditTrailExportedV1 } from '@ledger/events';
import type { CommandMetadata } from '../decider';

export interface RecordAuditTrailExport {
  type: 'RecordAuditTrailExport';
  data: AuditTrailExportedV1;
  metadata: CommandMetadata;
}

export type AuditExportCommand = RecordAuditTrailExport;
