import { isDeepStrictEqual } from 'node:util';
import { assertNever, CommandMetadata, Decider } from '../decider';
import type { DatasetState, RegisteredDataset } from '../dataset/dataset.state';
import { actsForOrganization } from '../organization-authority';
import { sameFiling } from '../sealed-filing';
import type { CorrectionCommand, RequestCorrection, ResolveCorrection } from './correction.commands';
import { CorrectionError } from './correction.errors';
import {
  CorrectionEvent,
  CorrectionState,
  evolveCorrection,
  FiledCorrection,
  initialCorrectionState,
} from './correction.state';

/**
 * Data correction (数据纠错): anyone reports an error in a released version; the dataset's body
 * verifies, then either links the release that corrects it or explains that no error was found.
 */
export function decideCorrection(command: CorrectionCommand, state: CorrectionState): CorrectionEvent[] {
  if (command.type === 'RequestCorrection') return request(command, state);
  const correction = filed(state);
  switch (command.type) {
    case 'StartCorrectionVerification':
      mustActFor(registered(command.context.dataset), command.metadata, true);
      mustNotBeResolved(correction);
      // Starting twice changes nothing: a retried request is answered, not refused.
      if (correction.status === 'under_verification') return [];
      return [{ type: 'CorrectionVerificationStarted', data: {} }];
    case 'ResolveCorrection':
      return resolve(command, correction);
    default:
      return assertNever(command);
  }
}

function request(command: RequestCorrection, state: CorrectionState): CorrectionEvent[] {
  if (state.status !== 'unfiled') {
    if (sameFiling(state.request, command.data)) return [];
    throw new CorrectionError(
      'CorrectionAlreadyFiled',
      'a correction with this id was filed with other content',
    );
  }
  const dataset = registered(command.context.dataset);
  const { datasetVersion, fields = [] } = command.data;
  if (!dataset.releases.includes(datasetVersion)) {
    throw new CorrectionError(
      'DatasetVersionNotReleased',
      `version ${datasetVersion} of this dataset was never released; released: ${dataset.releases.join(', ') || 'none'}`,
      { releases: dataset.releases },
    );
  }
  const unknown = fields.filter((field) => !dataset.fields.includes(field));
  if (unknown.length > 0) {
    throw new CorrectionError('UnknownDatasetFields', `the dataset has no field ${unknown.join(', ')}`, {
      unknownFields: unknown,
    });
  }
  return [{ type: 'CorrectionRequested', data: command.data }];
}

function resolve(command: ResolveCorrection, correction: FiledCorrection): CorrectionEvent[] {
  const dataset = registered(command.context.dataset);
  mustActFor(dataset, command.metadata, false);
  // The same resolution sent again is a retry: answered, not recorded twice.
  if (correction.resolution && isDeepStrictEqual(correction.resolution, command.data)) return [];
  mustNotBeResolved(correction);
  if (correction.status !== 'under_verification') {
    throw new CorrectionError(
      'CorrectionNotUnderVerification',
      'start the verification before resolving the correction',
    );
  }
  const { outcome, releaseVersion } = command.data;
  if (outcome === 'no_error_found') {
    if (releaseVersion !== undefined) {
      throw new CorrectionError(
        'ReleaseVersionNotExpected',
        'a correction that found no error names no release; drop releaseVersion or resolve as corrected',
      );
    }
    return [{ type: 'CorrectionResolved', data: command.data }];
  }
  if (releaseVersion === undefined) {
    throw new CorrectionError(
      'ReleaseVersionRequired',
      'name the release that carries the correction (releaseVersion)',
    );
  }
  if (!dataset.releases.includes(releaseVersion)) {
    throw new CorrectionError(
      'ReleaseVersionNotReleased',
      `version ${releaseVersion} was not released; release the corrected data first, then resolve`,
    );
  }
  if (releaseVersion <= correction.request.datasetVersion) {
    throw new CorrectionError(
      'ReleaseNotNewer',
      `the correction is about version ${correction.request.datasetVersion}; it is corrected by a later release`,
    );
  }
  return [{ type: 'CorrectionResolved', data: command.data }];
}

function filed(state: CorrectionState): FiledCorrection {
  if (state.status === 'unfiled')
    throw new CorrectionError('CorrectionNotFound', 'no correction with this id was filed');
  return state;
}

function registered(dataset: DatasetState): RegisteredDataset {
  if (dataset.status === 'unregistered') {
    throw new CorrectionError('DatasetNotFound', 'no dataset with this id is on the open list');
  }
  return dataset;
}

/** The dataset's body resolves; the platform admin, who routes corrections, may also start the verification. */
function mustActFor(dataset: RegisteredDataset, metadata: CommandMetadata, platformMayRoute: boolean): void {
  const organizationId = dataset.organizationId;
  if (platformMayRoute && metadata.actor.role === 'platform_admin') return;
  if (!actsForOrganization(metadata.actor, organizationId)) {
    throw new CorrectionError(
      'NotYourOrganization',
      `only officers of ${organizationId} handle this correction`,
    );
  }
}

function mustNotBeResolved(correction: FiledCorrection): void {
  if (correction.status === 'corrected' || correction.status === 'no_error_found') {
    throw new CorrectionError(
      'CorrectionAlreadyResolved',
      `the correction was resolved: ${correction.status}`,
    );
  }
}

export const correctionDecider: Decider<CorrectionCommand, CorrectionState, CorrectionEvent> = {
  initialState: initialCorrectionState,
  decide: decideCorrection,
  evolve: evolveCorrection,
};
