import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { EVENT_CATALOGUE, LegalBasis } from '@ledger/events';
import { projectPath } from '@ledger/store';

/**
 * A rulebook: the legal citations (and, as the domain grows, deadlines and the working-day calendar)
 * that decisions are taken under. Data in versioned JSON files under rulebooks/, never constants in code.
 */
export interface Rulebook {
  id: string;
  version: number;
  title: string;
  inForceFrom: string;
  sources: string[];
  note?: string;
  legalBasis: Record<string, { article: string }>;
}

const RULEBOOK_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'version', 'title', 'inForceFrom', 'sources', 'legalBasis'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9-]+$' },
    version: { type: 'integer', minimum: 1 },
    title: { type: 'string', minLength: 1 },
    inForceFrom: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    sources: { type: 'array', items: { type: 'string' } },
    note: { type: 'string' },
    legalBasis: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['article'],
        properties: { article: { type: 'string', minLength: 1 } },
      },
    },
  },
} as const;

export class RulebookError extends Error {
  override readonly name = 'RulebookError';
}

/** Reads and checks every rulebook file; a rulebook that leaves an event type without a legal basis is refused. */
export function loadRulebooks(directory = projectPath('rulebooks')): Rulebook[] {
  const validate = new Ajv({ allErrors: true }).compile(RULEBOOK_SCHEMA);
  const rulebooks = readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .map((file) => {
      const rulebook: unknown = JSON.parse(readFileSync(join(directory, file), 'utf8'));
      if (!validate(rulebook)) {
        throw new RulebookError(
          `${file}: ${validate.errors?.map((e) => `${e.instancePath} ${e.message}`).join('; ')}`,
        );
      }
      const typed = rulebook as unknown as Rulebook;
      const uncovered = Object.keys(EVENT_CATALOGUE).filter((type) => !typed.legalBasis[type]);
      if (uncovered.length > 0)
        throw new RulebookError(`${file}: no legal basis for ${uncovered.join(', ')}`);
      return typed;
    });
  if (rulebooks.length === 0) throw new RulebookError(`no rulebook in ${directory}`);
  return rulebooks.sort((a, b) => a.inForceFrom.localeCompare(b.inForceFrom) || a.version - b.version);
}

/** The rulebooks, and which one is in force at a given time. */
export class Rulebooks {
  constructor(readonly all: readonly Rulebook[]) {}

  inForceAt(time: Date): Rulebook {
    const day = time.toISOString().slice(0, 10);
    const inForce = this.all.filter((rulebook) => rulebook.inForceFrom <= day);
    return inForce[inForce.length - 1] ?? this.all[0];
  }

  /** The citation recorded in an event's metadata: which rulebook version, which article. */
  legalBasisFor(type: string, time: Date): LegalBasis {
    const rulebook = this.inForceAt(time);
    const citation = rulebook.legalBasis[type];
    if (!citation)
      throw new RulebookError(`rulebook ${rulebookRef(rulebook)} has no legal basis for ${type}`);
    return { rulebook: rulebookRef(rulebook), article: citation.article };
  }
}

export function rulebookRef(rulebook: Rulebook): string {
  return `${rulebook.id}/v${rulebook.version}`;
}
