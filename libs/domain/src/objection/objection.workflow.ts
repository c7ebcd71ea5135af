import type { CommandMetadata } from '../decider';
import { decideDataset } from '../dataset/dataset.decide';
import type { DatasetEvent, DatasetState } from '../dataset/dataset.state';
import type { FileObjection, ObjectionCommand, ResolveObjection } from './objection.commands';
import { decideObjection } from './objection.decide';
import type { ObjectionEvent, ObjectionState } from './objection.state';

export interface ObjectionAndDataset {
  objection: ObjectionState;
  dataset: DatasetState;
}

export interface ObjectionAndDatasetEvents {
  objection: ObjectionEvent[];
  dataset: DatasetEvent[];
}

/**
 * Rights protection across two aggregates, recorded in one atomic append: the objection's facts,
 * and what they do to the dataset — decided by the dataset's own decider, so every dataset rule
 * (who acts, what a suspended or withdrawn dataset allows, increasing versions) holds here too.
 */
export function decideObjectionWithDataset(
  command: ObjectionCommand,
  states: ObjectionAndDataset,
): ObjectionAndDatasetEvents {
  const objection = decideObjection(command, states.objection);
  if (objection.length === 0) return { objection, dataset: [] };
  switch (command.type) {
    case 'FileObjection':
      return { objection, dataset: suspensionOnFiling(command, states.dataset) };
    case 'ResolveObjection':
      return { objection, dataset: consequenceOf(command, states.dataset) };
    default:
      return { objection, dataset: [] };
  }
}

function suspensionOnFiling(command: FileObjection, dataset: DatasetState): DatasetEvent[] {
  if (!command.suspend) return [];
  return decideDataset(
    {
      type: 'SuspendDataset',
      data: { reason: command.suspend.reason, cause: 'objection', causeRef: command.objectionId },
      metadata: command.metadata,
    },
    dataset,
  );
}

function consequenceOf(command: ResolveObjection, dataset: DatasetState): DatasetEvent[] {
  const { objectionId, metadata } = command;
  const { outcome, explanation, release } = command.data;
  const decide = (datasetCommand: Parameters<typeof decideDataset>[0]) =>
    decideDataset(datasetCommand, dataset);
  switch (outcome) {
    case 'withdrawn':
      if (dataset.status === 'withdrawn') return [];
      return decide({ type: 'WithdrawDataset', data: { reason: explanation, objectionId }, metadata });
    case 'restored':
      // Restores only a suspension this objection caused; any other suspension stands on its own cause.
      if (!suspendedBy(objectionId, dataset)) return [];
      return decide({ type: 'RestoreDataset', data: { reason: explanation, objectionId }, metadata });
    case 'reopened_after_processing':
      return decide({
        type: 'ReleaseDataset',
        data: { ...(release as NonNullable<typeof release>), objectionId },
        metadata: metadata satisfies CommandMetadata,
      });
  }
}

function suspendedBy(objectionId: string, dataset: DatasetState): boolean {
  return (
    dataset.status === 'suspended' &&
    dataset.suspension?.cause === 'objection' &&
    dataset.suspension.causeRef === objectionId
  );
}
