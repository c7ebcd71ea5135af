import { assertNever, Decider } from '../decider';
import type { RulebookCommand } from './rulebook.commands';
import { RulebookPublicationError } from './rulebook.errors';
import { evolveRulebook, initialRulebookState, RulebookEvent, RulebookState } from './rulebook.state';

/**
 * A version is recorded once, with the content it came into force with: the same content again
 * changes nothing; other content under a recorded version is refused (publish a new version instead);
 * versions follow one another, each in force after the one before.
 */
export function decideRulebook(command: RulebookCommand, state: RulebookState): RulebookEvent[] {
  switch (command.type) {
    case 'PublishRulebook': {
      const { id, version, digest, inForceFrom } = command.data;
      const recorded = state.status === 'published' ? state.digests[version] : undefined;
      if (recorded === digest) return [];
      if (recorded !== undefined) {
        throw new RulebookPublicationError(
          'RulebookVersionChanged',
          `${id}/v${version} was recorded with digest ${recorded} and now has digest ${digest}: a version in force is never edited; publish a new version instead`,
          { version, recordedDigest: recorded, digest },
        );
      }
      const expected = state.status === 'published' ? state.latest.version + 1 : 1;
      if (version !== expected) {
        throw new RulebookPublicationError(
          'RulebookVersionOutOfOrder',
          `${id}/v${version} cannot be recorded before ${id}/v${expected}`,
          { version, expectedVersion: expected },
        );
      }
      if (state.status === 'published' && inForceFrom <= state.latest.inForceFrom) {
        throw new RulebookPublicationError(
          'RulebookVersionOutOfOrder',
          `${id}/v${version} comes into force on ${inForceFrom}, not after v${state.latest.version} (${state.latest.inForceFrom})`,
          { version, inForceFrom, previousInForceFrom: state.latest.inForceFrom },
        );
      }
      return [{ type: 'RulebookPublished', data: command.data }];
    }
    default:
      return assertNever(command.type);
  }
}

export const rulebookDecider: Decider<RulebookCommand, RulebookState, RulebookEvent> = {
  initialState: initialRulebookState,
  decide: decideRulebook,
  evolve: evolveRulebook,
};
