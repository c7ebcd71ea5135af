import { assertNever, Decider } from '../decider';
import type { AuditExportCommand } from './audit-export.commands';
import { AuditExportError } from './audit-export.errors';
import {
  AuditExportEvent,
  AuditExportState,
  evolveAuditExport,
  initialAuditExportState,
} from './audit-export.state';

/** One export, one record: an export id is never reused, and an export only covers what its checkpoint signed. */
export function decideAuditExport(command: AuditExportCommand, state: AuditExportState): AuditExportEvent[] {
  switch (command.type) {
    case 'RecordAuditTrailExport': {
      if (state.status === 'exported') {
        throw new AuditExportError('AuditExportAlreadyRecorded', 'this export id was already used');
      }
      const { range, checkpointSize, trustedSize } = command.data;
      if (range.from > range.to || range.to > checkpointSize) {
        throw new AuditExportError(
          'ExportRangeOutsideCheckpoint',
          `positions [${range.from}, ${range.to}) are not all under the checkpoint of size ${checkpointSize}`,
        );
      }
      if (trustedSize !== undefined && trustedSize > checkpointSize) {
        throw new AuditExportError(
          'ExportRangeOutsideCheckpoint',
          `the trusted size ${trustedSize} is beyond the checkpoint of size ${checkpointSize}`,
        );
      }
      return [{ type: 'AuditTrailExported', data: command.data }];
    }
    default:
      return assertNever(command.type);
  }
}

export const auditExportDecider: Decider<AuditExportCommand, AuditExportState, AuditExportEvent> = {
  initialState: initialAuditExportState,
  decide: decideAuditExport,
  evolve: evolveAuditExport,
};
