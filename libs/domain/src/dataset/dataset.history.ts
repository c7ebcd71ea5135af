import { isDeepStrictEqual } from 'node:util';
import type { MaskingRuleV1 } from '@ledger/events';
import { assertNever } from '../decider';
import { currentVersionOf, DatasetEvent, DatasetState } from './dataset.state';

/**
 * The members of a dataset's state a reader sees (the dataset view without id, version and position).
 * `releases` is left out of the comparison on purpose: versions only ever grow, so it changes exactly
 * when `currentVersion` does, and repeating the whole list on every release would make a long history
 * quadratic in size.
 */
export const COMPARED_MEMBERS = [
  'status',
  'title',
  'organizationId',
  'classification',
  'fields',
  'updateFrequency',
  'currentVersion',
  'suspension',
] as const;
export type ComparedMember = (typeof COMPARED_MEMBERS)[number];

/** One member that differs between two states; `from` or `to` is absent where the member was. */
export interface StateChange {
  field: ComparedMember;
  from?: unknown;
  to?: unknown;
}

export interface StateDiff {
  from: DatasetState;
  to: DatasetState;
  changes: StateChange[];
}

function member(state: DatasetState, field: ComparedMember): unknown {
  if (field === 'status') return state.status;
  if (field === 'currentVersion') return currentVersionOf(state);
  if (state.status === 'unregistered') return undefined;
  return state[field];
}

/** What differs from `before` to `after`, member by member, in a fixed order. */
export function changesOf(before: DatasetState, after: DatasetState): StateChange[] {
  const changes: StateChange[] = [];
  for (const field of COMPARED_MEMBERS) {
    const from = member(before, field);
    const to = member(after, field);
    if (isDeepStrictEqual(from, to)) continue;
    changes.push({
      field,
      ...(from !== undefined && { from }),
      ...(to !== undefined && { to }),
    });
  }
  return changes;
}

/** Two states of one dataset (say, as of two positions) and what changed between them. */
export function diffStates(from: DatasetState, to: DatasetState): StateDiff {
  return { from, to, changes: changesOf(from, to) };
}

/** A readable one-line English account of what the event records, for a dataset's timeline. */
export function summarise(event: DatasetEvent): string {
  switch (event.type) {
    case 'DatasetRegistered': {
      const data = event.data;
      const fieldCount = plural(data.fields.length, 'field');
      const conditions =
        data.openConditions !== undefined ? `; open conditions: ${line(data.openConditions)}` : '';
      return `Registered “${line(data.title)}” for ${data.organizationId} as ${data.classification} (${fieldCount}, updated ${data.updateFrequency})${conditions}`;
    }
    case 'DatasetReclassified': {
      const data = event.data;
      const refs = [
        data.desensitisationRef !== undefined && `desensitisation ${line(data.desensitisationRef)}`,
        data.consentRef !== undefined && `consent ${line(data.consentRef)}`,
      ].filter((ref): ref is string => typeof ref === 'string');
      const basis = refs.length > 0 ? ` (${refs.join('; ')})` : '';
      return `Reclassified from ${data.from} to ${data.to}${basis}: ${line(data.reason)}`;
    }
    case 'DatasetReleased': {
      const data = event.data;
      const details = [line(data.format), plural(data.recordCount, 'record')];
      const masking = data.maskingRules.length > 0 ? `; masking: ${maskingOf(data.maskingRules)}` : '';
      const reopening =
        data.objectionId !== undefined ? ` reopening after objection ${data.objectionId}` : '';
      const notes = data.notes !== undefined ? ` — ${line(data.notes)}` : '';
      return `Released version ${data.version} (${details.join(', ')}${masking})${reopening}${notes}`;
    }
    case 'DatasetSuspended': {
      const data = event.data;
      const cause = data.causeRef !== undefined ? `${data.cause} ${line(data.causeRef)}` : data.cause;
      return `Suspended (${cause}): ${line(data.reason)}`;
    }
    case 'DatasetRestored':
      return `Restored${afterObjection(event.data.objectionId)}: ${line(event.data.reason)}`;
    case 'DatasetWithdrawn':
      return `Withdrawn${afterObjection(event.data.objectionId)}: ${line(event.data.reason)}`;
    default:
      return assertNever(event);
  }
}

function afterObjection(objectionId: string | undefined): string {
  return objectionId !== undefined ? ` after objection ${objectionId}` : '';
}

function maskingOf(rules: MaskingRuleV1[]): string {
  return rules.map((rule) => `${line(rule.field)} ${line(rule.method)}`).join(', ');
}

/** `1 record`, `1,203 records`: grouped by hand, so the text does not depend on the host's locale. */
function plural(count: number, noun: string): string {
  const grouped = String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${grouped} ${noun}${count === 1 ? '' : 's'}`;
}

/** Free text on one line: a reason written with line breaks must not break the timeline's layout. */
function line(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
