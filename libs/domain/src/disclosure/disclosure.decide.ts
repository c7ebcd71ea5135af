import type { Actor } from '@ledger/events';
import { assertNever, Decider } from '../decider';
import { actsForOrganization } from '../organization-authority';
import type { DisclosedCase, DisclosureCommand } from './disclosure.commands';
import { DisclosureError } from './disclosure.errors';
import {
  DisclosureEvent,
  DisclosureState,
  evolveDisclosure,
  initialDisclosureState,
} from './disclosure.state';

/**
 * Personal data in plain text goes only to who needs it (issue 7): the body officers handling the
 * case (to answer the reporter, objector or applicant), and the person who filed it with a login
 * (an applicant reading their own details). Supervisors, compliance officers and platform admins read
 * everything else, but not this: the journal and the views show them the sealed envelopes only.
 */
export function decideDisclosure(command: DisclosureCommand, state: DisclosureState): DisclosureEvent[] {
  switch (command.type) {
    case 'DisclosePersonalData': {
      if (state.status === 'recorded') {
        throw new DisclosureError('DisclosureAlreadyRecorded', 'this disclosure id was already used');
      }
      mustBeEntitled(command.metadata.actor, command.case);
      if (command.members.length === 0) {
        throw new DisclosureError(
          'NothingToDisclose',
          'the case holds no personal data that can still be opened',
        );
      }
      return [
        {
          type: 'PersonalDataDisclosed',
          data: {
            caseStream: command.case.streamId,
            members: [...command.members].sort(),
            subjects: [...new Set(command.subjects)].sort(),
          },
        },
      ];
    }
    default:
      return assertNever(command.type);
  }
}

function mustBeEntitled(actor: Actor, disclosed: DisclosedCase): void {
  if (actor.role === 'body_officer' && actsForOrganization(actor, disclosed.organizationId)) return;
  if (disclosed.filedBy !== undefined && actor.id === disclosed.filedBy && actor.role !== 'public') return;
  throw new DisclosureError(
    'NotEntitledToPersonalData',
    `personal data of ${disclosed.streamId} is shown only to officers of ${disclosed.organizationId} handling it` +
      (disclosed.filedBy ? ' and to the person who filed it' : ''),
  );
}

export const disclosureDecider: Decider<DisclosureCommand, DisclosureState, DisclosureEvent> = {
  initialState: initialDisclosureState,
  decide: decideDisclosure,
  evolve: evolveDisclosure,
};
