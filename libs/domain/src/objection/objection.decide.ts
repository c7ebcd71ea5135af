import type { Actor } from '@ledger/events';
import type { ObjectionResolvedV1 } from '@ledger/events';
import { assertNever, Decider } from '../decider';
import type { DatasetState, RegisteredDataset } from '../dataset/dataset.state';
import { actsForOrganization } from '../organization-authority';
import { sameFiling } from '../sealed-filing';
import type { FileObjection, ObjectionCommand, ResolveObjection } from './objection.commands';
import { ObjectionError } from './objection.errors';
import {
  evolveObjection,
  FiledObjection,
  initialObjectionState,
  ObjectionEvent,
  ObjectionState,
} from './objection.state';

/**
 * The objection's own facts. What the outcome does to the dataset (suspend, withdraw, restore, reopen)
 * is decided by the dataset's decider in the same append: see objection.workflow.ts.
 */
export function decideObjection(command: ObjectionCommand, state: ObjectionState): ObjectionEvent[] {
  if (command.type === 'FileObjection') return file(command, state);
  const objection = filed(state);
  const dataset = registered(command.context.dataset);
  if (!actsForOrganization(command.metadata.actor, dataset.organizationId)) {
    throw new ObjectionError(
      'NotYourOrganization',
      `only officers of ${dataset.organizationId} handle objections to its datasets`,
    );
  }
  if (objection.resolution) {
    // The same resolution sent again is a retry: answered, not recorded twice (nor its release).
    if (command.type === 'ResolveObjection' && isSameResolution(objection.resolution, command)) return [];
    throw new ObjectionError('ObjectionAlreadyResolved', `the objection was resolved: ${objection.status}`);
  }
  switch (command.type) {
    case 'StartObjectionVerification':
      // Starting twice changes nothing: a retried request is answered, not refused.
      if (objection.status === 'under_verification') return [];
      return [{ type: 'ObjectionVerificationStarted', data: {} }];
    case 'ResolveObjection':
      return resolve(command, objection);
    default:
      return assertNever(command);
  }
}

function file(command: FileObjection, state: ObjectionState): ObjectionEvent[] {
  if (state.status !== 'unfiled') {
    if (sameFiling(state.filing, command.data)) return [];
    throw new ObjectionError(
      'ObjectionAlreadyFiled',
      'an objection with this id was filed with other content',
    );
  }
  const dataset = registered(command.context.dataset);
  if (dataset.releases.length === 0) {
    throw new ObjectionError(
      'DatasetNotReleased',
      'nothing of this dataset was opened yet, so nothing can infringe',
    );
  }
  if (dataset.status === 'withdrawn') {
    throw new ObjectionError('DatasetWithdrawn', 'the dataset was withdrawn; its data is no longer open');
  }
  if (command.suspend && !isOfficerOf(command.metadata.actor, dataset.organizationId)) {
    throw new ObjectionError(
      'SuspendNotAllowed',
      `only an officer of ${dataset.organizationId} may suspend the dataset while filing; file without suspend`,
    );
  }
  return [{ type: 'ObjectionFiled', data: command.data }];
}

function resolve(command: ResolveObjection, objection: FiledObjection): ObjectionEvent[] {
  if (objection.status !== 'under_verification') {
    throw new ObjectionError(
      'ObjectionNotUnderVerification',
      'start the verification before resolving the objection',
    );
  }
  const { outcome, explanation, release } = command.data;
  if (outcome === 'reopened_after_processing') {
    if (!release) {
      throw new ObjectionError(
        'ReleaseRequired',
        'reopening after processing is a new release: give it as release (version, checksum, masking rules…)',
      );
    }
    return [{ type: 'ObjectionResolved', data: { outcome, explanation, releaseVersion: release.version } }];
  }
  if (release) {
    throw new ObjectionError(
      'ReleaseNotExpected',
      `an objection resolved as ${outcome} releases nothing; drop release`,
    );
  }
  return [{ type: 'ObjectionResolved', data: { outcome, explanation } }];
}

function isSameResolution(recorded: ObjectionResolvedV1, command: ResolveObjection): boolean {
  const { outcome, explanation, release } = command.data;
  return (
    recorded.outcome === outcome &&
    recorded.explanation === explanation &&
    recorded.releaseVersion === release?.version
  );
}

/** Suspending in the same request is a body officer's call (立即中止开放), not that of a publisher relaying filings. */
function isOfficerOf(actor: Actor, organizationId: string): boolean {
  return actor.role === 'body_officer' && actor.organizationId === organizationId;
}

function filed(state: ObjectionState): FiledObjection {
  if (state.status === 'unfiled')
    throw new ObjectionError('ObjectionNotFound', 'no objection with this id was filed');
  return state;
}

function registered(dataset: DatasetState): RegisteredDataset {
  if (dataset.status === 'unregistered') {
    throw new ObjectionError('DatasetNotFound', 'no dataset with this id is on the open list');
  }
  return dataset;
}

export const objectionDecider: Decider<ObjectionCommand, ObjectionState, ObjectionEvent> = {
  initialState: initialObjectionState,
  decide: decideObjection,
  evolve: evolveObjection,
};
