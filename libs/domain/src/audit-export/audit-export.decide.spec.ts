import type { CommandMetadata } from '../decider';
import { deciderSpec } from '../testing/decider-spec';
import type { RecordAuditTrailExport } from './audit-export.commands';
import { auditExportDecider } from './audit-export.decide';
import { AuditExportError } from './audit-export.errors';
import type { AuditExportEvent } from './audit-export.state';

const metadata: CommandMetadata = {
  now: new Date('2026-11-29T08:00:00Z'),
  actor: { id: 'auditor-1', role: 'compliance_officer' },
};

const exportData = (
  overrides: Partial<RecordAuditTrailExport['data']> = {},
): RecordAuditTrailExport['data'] => ({
  format: 'ndjson',
  filter: { type: ['DataAccessed'] },
  range: { from: 0, to: 100 },
  checkpointSize: 120,
  ...overrides,
});

const recordExport = (overrides: Partial<RecordAuditTrailExport['data']> = {}): RecordAuditTrailExport => ({
  type: 'RecordAuditTrailExport',
  data: exportData(overrides),
  metadata,
});

const exported = (overrides: Partial<RecordAuditTrailExport['data']> = {}): AuditExportEvent => ({
  type: 'AuditTrailExported',
  data: exportData(overrides),
});

const spec = deciderSpec(auditExportDecider, AuditExportError);

describe('recording an audit-trail export', () => {
  it('records AuditTrailExported with the filter, range and checkpoint size', () => {
    spec
      .given([])
      .when(recordExport({ trustedSize: 90 }))
      .then([exported({ trustedSize: 90 })]);
  });

  it('records an export of an empty range', () => {
    spec
      .given([])
      .when(recordExport({ range: { from: 7, to: 7 } }))
      .then([exported({ range: { from: 7, to: 7 } })]);
  });

  it('is refused as AuditExportAlreadyRecorded when the export id was used', () => {
    spec.given([exported()]).when(recordExport()).thenThrows('AuditExportAlreadyRecorded');
  });

  it('is refused as ExportRangeOutsideCheckpoint when the range ends beyond the checkpoint', () => {
    spec
      .given([])
      .when(recordExport({ range: { from: 0, to: 121 } }))
      .thenThrows('ExportRangeOutsideCheckpoint');
  });

  it('is refused as ExportRangeOutsideCheckpoint when the range runs backwards', () => {
    spec
      .given([])
      .when(recordExport({ range: { from: 10, to: 5 } }))
      .thenThrows('ExportRangeOutsideCheckpoint');
  });

  it('is refused as ExportRangeOutsideCheckpoint when the trusted size is beyond the checkpoint', () => {
    spec
      .given([])
      .when(recordExport({ trustedSize: 121 }))
      .thenThrows('ExportRangeOutsideCheckpoint');
  });
});
