import type { RulebookPublishedV1 } from '@ledger/events';
import { DomainEvent, unchanged } from '../decider';

export type RulebookEvent = DomainEvent<'RulebookPublished', RulebookPublishedV1>;

/** A rulebook series (stream `rulebook-<id>`): the digest of every version recorded, and the latest. */
export type RulebookState =
  | { status: 'unpublished' }
  | {
      status: 'published';
      digests: Readonly<Record<number, string>>;
      latest: { version: number; inForceFrom: string };
    };

export const initialRulebookState: RulebookState = { status: 'unpublished' };

export function evolveRulebook(state: RulebookState, event: RulebookEvent): RulebookState {
  switch (event.type) {
    case 'RulebookPublished': {
      const { version, digest, inForceFrom } = event.data;
      const digests = state.status === 'published' ? state.digests : {};
      return {
        status: 'published',
        digests: { ...digests, [version]: digest },
        latest: { version, inForceFrom },
      };
    }
    default:
      return unchanged(event.type, state);
  }
}
