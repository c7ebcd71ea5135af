import { isDeepStrictEqual } from 'node:util';
import { assertNever, CommandMetadata, Decider } from '../decider';
import { actsForOrganization } from '../organization-authority';
import type {
  DatasetCommand,
  ReclassifyDataset,
  RegisterDataset,
  ReleaseDataset,
  RestoreDataset,
  SuspendDataset,
  WithdrawDataset,
} from './dataset.commands';
import { DatasetError } from './dataset.errors';
import {
  currentVersionOf,
  DatasetEvent,
  DatasetState,
  evolveDataset,
  initialDatasetState,
  RegisteredDataset,
} from './dataset.state';

export function decideDataset(command: DatasetCommand, state: DatasetState): DatasetEvent[] {
  if (command.type === 'RegisterDataset') return register(command, state);
  const dataset = existing(state);
  mustActFor(dataset.organizationId, command.metadata);
  switch (command.type) {
    case 'ReclassifyDataset':
      return reclassify(command, dataset);
    case 'ReleaseDataset':
      return release(command, dataset);
    case 'SuspendDataset':
      return suspend(command, dataset);
    case 'RestoreDataset':
      return restore(command, dataset);
    case 'WithdrawDataset':
      return withdraw(command, dataset);
    default:
      return assertNever(command);
  }
}

function register(command: RegisterDataset, state: DatasetState): DatasetEvent[] {
  mustActFor(command.data.organizationId, command.metadata);
  if (state.status !== 'unregistered') {
    // A retried registration (same id, same content) records nothing new.
    if (isDeepStrictEqual(state.registration, command.data)) return [];
    throw new DatasetError(
      'DatasetAlreadyRegistered',
      'a dataset with this id is already on the open list; choose another id',
    );
  }
  return [{ type: 'DatasetRegistered', data: command.data }];
}

function reclassify(command: ReclassifyDataset, dataset: RegisteredDataset): DatasetEvent[] {
  mustNotBeWithdrawn(dataset);
  const { to, desensitisationRef, consentRef } = command.data;
  const from = dataset.classification;
  if (to === from) {
    throw new DatasetError('SameClassification', `the dataset is already classified ${from}`);
  }
  if (from === 'non_open' && desensitisationRef === undefined && consentRef === undefined) {
    throw new DatasetError(
      'DesensitisationOrConsentRequired',
      'non-open data may be opened only after desensitisation or with the rights holder’s consent: give desensitisationRef or consentRef',
    );
  }
  if (to === 'non_open' && dataset.status === 'open') {
    throw new DatasetError(
      'DatasetOpen',
      'the dataset is open: suspend or withdraw it before classifying it non-open',
    );
  }
  return [{ type: 'DatasetReclassified', data: { from, ...command.data } }];
}

function release(command: ReleaseDataset, dataset: RegisteredDataset): DatasetEvent[] {
  mustNotBeWithdrawn(dataset);
  if (dataset.classification === 'non_open') {
    throw new DatasetError(
      'DatasetNonOpen',
      'non-open data cannot be released; reclassify it first (after desensitisation or with consent)',
    );
  }
  if (dataset.status === 'suspended' && !reopensAfter(command.data.objectionId, dataset)) {
    throw new DatasetError(
      'DatasetSuspended',
      dataset.suspension?.cause === 'objection'
        ? `the dataset is suspended by objection ${dataset.suspension.causeRef ?? '(unnamed)'}: a new release reopens it only as that objection's resolution (reopened_after_processing)`
        : 'the dataset is suspended: restore it before releasing',
    );
  }
  const current = currentVersionOf(dataset);
  if (command.data.version <= current) {
    throw new DatasetError(
      'ReleaseVersionNotIncreasing',
      `version ${command.data.version} is not after the current version ${current}; release ${current + 1} or later`,
      { currentVersion: current },
    );
  }
  return [{ type: 'DatasetReleased', data: command.data }];
}

/** A suspended dataset is released only by the resolution of the very objection that suspended it. */
function reopensAfter(objectionId: string | undefined, dataset: RegisteredDataset): boolean {
  return (
    objectionId !== undefined &&
    dataset.suspension?.cause === 'objection' &&
    dataset.suspension.causeRef === objectionId
  );
}

function suspend(command: SuspendDataset, dataset: RegisteredDataset): DatasetEvent[] {
  // Suspending what is suspended changes nothing (style.md): answered, not refused, and not recorded twice.
  if (dataset.status === 'suspended') return [];
  if (dataset.status !== 'open') {
    throw new DatasetError(
      'DatasetNotOpen',
      `only an open dataset can be suspended; it is ${dataset.status}`,
    );
  }
  return [{ type: 'DatasetSuspended', data: command.data }];
}

function restore(command: RestoreDataset, dataset: RegisteredDataset): DatasetEvent[] {
  if (dataset.status === 'open') return [];
  if (dataset.status !== 'suspended') {
    throw new DatasetError(
      'DatasetNotSuspended',
      `only a suspended dataset can be restored; it is ${dataset.status}`,
    );
  }
  const suspension = dataset.suspension;
  const byPendingObjection =
    suspension?.cause === 'objection' &&
    suspension.causeRef !== command.data.objectionId &&
    (command.context?.suspendingObjectionPending ?? true);
  if (byPendingObjection) {
    throw new DatasetError(
      'SuspendedByObjection',
      `the dataset was suspended because of objection ${suspension.causeRef ?? '(unnamed)'}: resolve that objection (outcome restored) to restore it`,
      { objectionId: suspension.causeRef ?? null },
    );
  }
  if (dataset.classification === 'non_open') {
    throw new DatasetError('DatasetNonOpen', 'non-open data cannot be reopened; reclassify it first');
  }
  return [{ type: 'DatasetRestored', data: command.data }];
}

function withdraw(command: WithdrawDataset, dataset: RegisteredDataset): DatasetEvent[] {
  if (dataset.status === 'withdrawn') return [];
  return [{ type: 'DatasetWithdrawn', data: command.data }];
}

function existing(state: DatasetState): RegisteredDataset {
  if (state.status === 'unregistered') {
    throw new DatasetError('DatasetNotFound', 'no dataset with this id is on the open list');
  }
  return state;
}

function mustActFor(organizationId: string, metadata: CommandMetadata): void {
  if (!actsForOrganization(metadata.actor, organizationId)) {
    throw new DatasetError('NotYourOrganization', `only officers of ${organizationId} act on its datasets`);
  }
}

function mustNotBeWithdrawn(dataset: RegisteredDataset): void {
  if (dataset.status === 'withdrawn') {
    throw new DatasetError('DatasetWithdrawn', 'the dataset was withdrawn; its opening has ended');
  }
}

export const datasetDecider: Decider<DatasetCommand, DatasetState, DatasetEvent> = {
  initialState: initialDatasetState,
  decide: decideDataset,
  evolve: evolveDataset,
};
