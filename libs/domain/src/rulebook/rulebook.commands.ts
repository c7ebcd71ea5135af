import type { RulebookPublishedV1 } from '@ledger/events';
import type { CommandMetadata } from '../decider';

/** Record that a rulebook version has come into force, with its whole content and digest. */
export interface PublishRulebook {
  type: 'PublishRulebook';
  data: RulebookPublishedV1;
  metadata: CommandMetadata;
}

export type RulebookCommand = PublishRulebook;
