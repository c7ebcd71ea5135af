import { OrganizationError, organizationDecider, principalDecider, PrincipalError } from '@ledger/domain';
import type { Actor } from '@ledger/events';
import { aNewEvent } from '../../../../test/builders/events';
import { openTestJournal, testBackend } from '../../../../test/support/test-backend';
import { loadRulebooks, Rulebooks } from '../rulebook/rulebook';
import { EventDataValidator } from '../schemas/event-data-validator';
import {
  CommandLoop,
  EventDataRejectedError,
  PreconditionFailedError,
  UnreadableEventError,
} from './command-loop';

const admin: Actor = { id: 'admin-1', role: 'platform_admin' };
const now = new Date('2026-11-29T08:00:00.000Z');

describe(`the command loop on ${testBackend()}`, () => {
  let journal: Awaited<ReturnType<typeof openTestJournal>>;
  let loop: CommandLoop;

  beforeEach(async () => {
    journal = await openTestJournal();
    loop = new CommandLoop(journal.store, new Rulebooks(loadRulebooks()), new EventDataValidator());
  });

  afterEach(async () => {
    await journal.dispose();
  });

  const registerOrganization = (name: string) => ({
    decider: organizationDecider,
    streamId: 'organization-bureau',
    command: { type: 'RegisterOrganization' as const, data: { name }, metadata: { now, actor: admin } },
    correlation: { correlationId: 'request-1' },
  });

  it('records what the decider decided, with actor, legal basis, time and correlation', async () => {
    const result = await loop.handle(registerOrganization('Data Bureau'));

    expect(result).toMatchObject({
      streamId: 'organization-bureau',
      streamVersion: 0,
      events: [{ type: 'OrganizationRegistered' }],
    });
    const [stored] = (await journal.store.readStream('organization-bureau')).entries;
    expect(JSON.parse(stored.canonical)).toMatchObject({
      data: { name: 'Data Bureau' },
      occurredAt: '2026-11-29T08:00:00.000Z',
      source: 'urn:open-data-ledger:api',
      metadata: {
        actor: admin,
        correlationId: 'request-1',
        legalBasis: { rulebook: 'shanghai-public-data-2019/v1', article: expect.stringContaining('ch. 2') },
      },
    });
  });

  it('refuses to record a decided event whose data breaks its schema, and records nothing', async () => {
    const tooLong = 'x'.repeat(201); // the DTO would stop it; the event's schema stops it here as well

    await expect(loop.handle(registerOrganization(tooLong))).rejects.toBeInstanceOf(EventDataRejectedError);

    expect(await journal.store.head()).toBe(-1);
  });

  it('decides again after losing a race, so the loser sees the winner’s state and is refused by the rule', async () => {
    const outcomes = await Promise.allSettled([
      loop.handle(registerOrganization('First')),
      loop.handle(registerOrganization('Second')),
      loop.handle(registerOrganization('Third')),
    ]);

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')) {
      expect(outcome.reason).toBeInstanceOf(OrganizationError);
      expect(outcome.reason.code).toBe('OrganizationAlreadyRegistered');
    }
    expect((await journal.store.readStream('organization-bureau')).version).toBe(0);
  });

  it('refuses with PreconditionFailed when If-Match names another version, and writes nothing', async () => {
    await loop.handle(registerOrganization('Data Bureau'));

    await expect(loop.handle({ ...registerOrganization('Again'), ifMatch: 3 })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );

    expect(await journal.store.head()).toBe(0);
  });

  it('answers a command that changes nothing with no events and the current version', async () => {
    const create = {
      decider: principalDecider,
      streamId: 'principal-p1',
      command: {
        type: 'CreatePrincipal' as const,
        data: { name: 'P', role: 'supervisor' as const, key: { keyId: 'key-1', keyHash: 'a'.repeat(64) } },
        context: { organizationRegistered: true },
        metadata: { now, actor: admin },
      },
    };
    await loop.handle(create);

    const result = await loop.handle({
      ...create,
      command: {
        type: 'ChangePrincipalRole' as const,
        data: { role: 'supervisor' as const },
        context: { organizationRegistered: true, otherActivePlatformAdmins: 1 },
        metadata: { now, actor: admin },
      },
    });

    expect(result).toEqual({ streamId: 'principal-p1', streamVersion: 1, events: [] });
    await expect(loop.handle(create)).rejects.toBeInstanceOf(PrincipalError);
  });

  describe('folding a stream it has folded before (kept from the first event on, for the test)', () => {
    const keepingEvery = { fromEvents: 1, streams: 10 };
    beforeEach(() => {
      loop = new CommandLoop(
        journal.store,
        new Rulebooks(loadRulebooks()),
        new EventDataValidator(),
        keepingEvery,
      );
    });

    const createPrincipal = {
      decider: principalDecider,
      streamId: 'principal-p2',
      command: {
        type: 'CreatePrincipal' as const,
        data: { name: 'P', role: 'supervisor' as const, key: { keyId: 'key-1', keyHash: 'b'.repeat(64) } },
        context: { organizationRegistered: true },
        metadata: { now, actor: admin },
      },
    };
    const changeRoleTo = (role: 'data_user' | 'compliance_officer') => ({
      ...createPrincipal,
      command: {
        type: 'ChangePrincipalRole' as const,
        data: { role },
        context: { organizationRegistered: true, otherActivePlatformAdmins: 1 },
        metadata: { now, actor: admin },
      },
    });

    it('sees what another process recorded since, as if it folded the stream from the start', async () => {
      // given this loop folded the principal once, and another ledger process changed its role since
      await loop.handle(createPrincipal);
      await loop.load(principalDecider, 'principal-p2');
      const otherProcess = new CommandLoop(
        journal.store,
        new Rulebooks(loadRulebooks()),
        new EventDataValidator(),
      );
      await otherProcess.handle(changeRoleTo('data_user'));

      // when this loop folds it again
      const loaded = await loop.load(principalDecider, 'principal-p2');

      // then it has the other process's change, at the version the journal is at
      const fromScratch = await new CommandLoop(
        journal.store,
        new Rulebooks(loadRulebooks()),
        new EventDataValidator(),
      ).load(principalDecider, 'principal-p2');
      expect(loaded).toEqual(fromScratch);
      expect(loaded).toMatchObject({ version: 2, state: { status: 'active', role: 'data_user' } });
    });

    it('still refuses a stale If-Match: what it kept never stands in for the journal', async () => {
      await loop.handle(createPrincipal);
      await loop.handle(changeRoleTo('data_user'));

      await expect(loop.handle({ ...changeRoleTo('compliance_officer'), ifMatch: 0 })).rejects.toBeInstanceOf(
        PreconditionFailedError,
      );
      expect((await journal.store.readStream('principal-p2')).version).toBe(2);
    });

    it('folds from the start again when the journal under it was replaced by a shorter one', async () => {
      // given a stream folded at version 2 (the principal created with its key, then its role changed)
      await loop.handle(createPrincipal);
      await loop.handle(changeRoleTo('data_user'));
      await loop.load(principalDecider, 'principal-p2');

      // when the journal is replaced (a fresh database) holding only the stream's first event
      await journal.dispose();
      journal = await openTestJournal();
      const loopOnNewJournal = loop as unknown as { store: unknown };
      loopOnNewJournal.store = journal.store;
      await loop.handle(createPrincipal);

      // then the state is the new journal's, not the one kept
      expect(await loop.load(principalDecider, 'principal-p2')).toMatchObject({
        version: 1,
        state: { role: 'supervisor' },
      });
    });
  });

  it('refuses to fold a stored event that does not fit its schema', async () => {
    await journal.store.append('principal-broken', [
      aNewEvent({ type: 'PrincipalCreated', data: { name: 'no role' } }),
    ]);

    await expect(loop.load(principalDecider, 'principal-broken')).rejects.toBeInstanceOf(
      UnreadableEventError,
    );
  });
});
