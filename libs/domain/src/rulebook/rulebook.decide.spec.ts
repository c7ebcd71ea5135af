import type { RulebookPublishedV1 } from '@ledger/events';
import type { CommandMetadata } from '../decider';
import { deciderSpec } from '../testing/decider-spec';
import type { PublishRulebook } from './rulebook.commands';
import { rulebookDecider } from './rulebook.decide';
import { RulebookPublicationError } from './rulebook.errors';
import type { RulebookEvent } from './rulebook.state';

const metadata: CommandMetadata = {
  now: new Date('2026-11-29T08:00:00Z'),
  actor: { id: 'system', role: 'system' },
};

const DIGEST_A = 'a'.repeat(64);
const DIGEST_B = 'b'.repeat(64);

const version = (overrides: Partial<RulebookPublishedV1> = {}): RulebookPublishedV1 => {
  const data = { id: 'city', version: 1, inForceFrom: '2019-10-01', digest: DIGEST_A, ...overrides };
  return { ...data, rulebook: { id: data.id, version: data.version, inForceFrom: data.inForceFrom } };
};

const publish = (overrides: Partial<RulebookPublishedV1> = {}): PublishRulebook => ({
  type: 'PublishRulebook',
  data: version(overrides),
  metadata,
});

const published = (overrides: Partial<RulebookPublishedV1> = {}): RulebookEvent => ({
  type: 'RulebookPublished',
  data: version(overrides),
});

const spec = deciderSpec(rulebookDecider, RulebookPublicationError);

describe('publishing a rulebook version', () => {
  it('records RulebookPublished with the whole content for the first version', () => {
    spec.given([]).when(publish()).then([published()]);
  });

  it('records the next version when it comes into force after the last one', () => {
    spec
      .given([published()])
      .when(publish({ version: 2, inForceFrom: '2026-01-01', digest: DIGEST_B }))
      .then([published({ version: 2, inForceFrom: '2026-01-01', digest: DIGEST_B })]);
  });

  it('records nothing when the version is already recorded with the same digest (a restart, a second instance)', () => {
    spec.given([published()]).when(publish()).then([]);
  });

  it('records nothing for an earlier version already recorded with the same digest', () => {
    spec
      .given([published(), published({ version: 2, inForceFrom: '2026-01-01', digest: DIGEST_B })])
      .when(publish())
      .then([]);
  });

  it('is refused as RulebookVersionChanged when a recorded version comes back with other content', () => {
    spec
      .given([published()])
      .when(publish({ digest: DIGEST_B }))
      .thenThrows('RulebookVersionChanged');
  });

  it('is refused as RulebookVersionOutOfOrder when the series would not start at version 1', () => {
    spec
      .given([])
      .when(publish({ version: 2 }))
      .thenThrows('RulebookVersionOutOfOrder');
  });

  it('is refused as RulebookVersionOutOfOrder when a version is skipped', () => {
    spec
      .given([published()])
      .when(publish({ version: 3, inForceFrom: '2026-01-01', digest: DIGEST_B }))
      .thenThrows('RulebookVersionOutOfOrder');
  });

  it('is refused as RulebookVersionOutOfOrder when the next version would come into force no later than the last', () => {
    spec
      .given([published()])
      .when(publish({ version: 2, inForceFrom: '2019-10-01', digest: DIGEST_B }))
      .thenThrows('RulebookVersionOutOfOrder');
  });
});
