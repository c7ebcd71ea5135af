import { DomainError } from '../domain-error';

export type AuditExportErrorCode = 'AuditExportAlreadyRecorded' | 'ExportRangeOutsideCheckpoint';

export class AuditExportError extends DomainError<AuditExportErrorCode> {}
