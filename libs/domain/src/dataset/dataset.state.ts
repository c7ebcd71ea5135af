import type {
  Classification,
  DatasetReclassifiedV1,
  DatasetRegisteredV1,
  DatasetReleasedV1,
  DatasetRestoredV1,
  DatasetSuspendedV1,
  DatasetWithdrawnV1,
  SuspensionCause,
  UpdateFrequency,
} from '@ledger/events';
import { DomainEvent, unchanged } from '../decider';

export type DatasetEvent =
  | DomainEvent<'DatasetRegistered', DatasetRegisteredV1>
  | DomainEvent<'DatasetReclassified', DatasetReclassifiedV1>
  | DomainEvent<'DatasetReleased', DatasetReleasedV1>
  | DomainEvent<'DatasetSuspended', DatasetSuspendedV1>
  | DomainEvent<'DatasetRestored', DatasetRestoredV1>
  | DomainEvent<'DatasetWithdrawn', DatasetWithdrawnV1>;

export const DATASET_EVENT_TYPES: readonly DatasetEvent['type'][] = [
  'DatasetRegistered',
  'DatasetReclassified',
  'DatasetReleased',
  'DatasetSuspended',
  'DatasetRestored',
  'DatasetWithdrawn',
];

/** `registered → open ⇄ suspended → withdrawn` (domain.md); the first release opens a dataset. */
export type DatasetStatus = 'registered' | 'open' | 'suspended' | 'withdrawn';

export interface RegisteredDataset {
  status: DatasetStatus;
  title: string;
  organizationId: string;
  classification: Classification;
  fields: string[];
  updateFrequency: UpdateFrequency;
  /** Every released version, ascending (versions strictly increase but may skip). */
  releases: number[];
  /** Why it is suspended, while it is. */
  suspension?: { cause: SuspensionCause; causeRef?: string };
  /** The registration as recorded, so a retried registration is recognised. */
  registration: DatasetRegisteredV1;
}

export type DatasetState = { status: 'unregistered' } | RegisteredDataset;

export const initialDatasetState: DatasetState = { status: 'unregistered' };

export function currentVersionOf(state: DatasetState): number {
  if (state.status === 'unregistered') return 0;
  return state.releases[state.releases.length - 1] ?? 0;
}

export function evolveDataset(state: DatasetState, event: DatasetEvent): DatasetState {
  if (event.type === 'DatasetRegistered') {
    const data = event.data;
    return {
      status: 'registered',
      title: data.title,
      organizationId: data.organizationId,
      classification: data.classification,
      fields: data.fields,
      updateFrequency: data.updateFrequency,
      releases: [],
      registration: data,
    };
  }
  if (state.status === 'unregistered') return state;
  switch (event.type) {
    case 'DatasetReclassified':
      return { ...state, classification: event.data.to };
    case 'DatasetReleased': {
      // A release opens a registered dataset, and reopens a suspended one after an objection's processing.
      const { suspension, ...rest } = state;
      void suspension;
      return {
        ...rest,
        status: state.status === 'withdrawn' ? 'withdrawn' : 'open',
        releases: [...state.releases, event.data.version],
      };
    }
    case 'DatasetSuspended':
      return {
        ...state,
        status: 'suspended',
        suspension: {
          cause: event.data.cause,
          ...(event.data.causeRef !== undefined && { causeRef: event.data.causeRef }),
        },
      };
    case 'DatasetRestored': {
      const { suspension, ...rest } = state;
      void suspension;
      return { ...rest, status: 'open' };
    }
    case 'DatasetWithdrawn': {
      const { suspension, ...rest } = state;
      void suspension;
      return { ...rest, status: 'withdrawn' };
    }
    default:
      return unchanged(event, state);
  }
}
