import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import canonicalize from 'canonicalize';
import { projectPath } from '@ledger/store';
import { LedgerUnderTest } from './support/ledger-under-test';
import {
  createTestDatabase,
  pgliteTemplate,
  temporaryDirectory,
  testBackend,
  TestDatabase,
} from './support/test-backend';

const RULEBOOK_FILE = projectPath('rulebooks', 'shanghai-public-data-2019.v1.json');
const STREAM = 'rulebook-shanghai-public-data-2019';

/** The shipped file as it is on disk, and the digest an outsider computes from it. */
const fileContent = JSON.parse(readFileSync(RULEBOOK_FILE, 'utf8'));
const fileDigest = createHash('sha256')
  .update(canonicalize(fileContent) as string)
  .digest('hex');

/** Rulebook versions over HTTP, and their record in the journal (http-api.md, GET /v1/rulebooks). */
describe('rulebooks', () => {
  let ledger: LedgerUnderTest;
  let database: TestDatabase;
  let dataDirectory: { path: string; remove(): void } | undefined;

  /** A database a second ledger can start on after the first stops: a data directory for PGlite. */
  async function restartableDatabase(): Promise<TestDatabase> {
    if (testBackend() === 'postgres') return createTestDatabase();
    const directory = temporaryDirectory('rulebooks');
    dataDirectory = directory;
    return {
      journalOptions: { dataDir: directory.path, pgliteSnapshot: pgliteTemplate() },
      dispose: async () => directory.remove(),
    };
  }

  const rulebookEvents = async () => {
    const answer = await ledger.get(`/v1/streams/${STREAM}/events`);
    expect(answer.status).toBe(200);
    return answer.body.events as { type: string; data: any; metadata: any; globalPosition: number }[];
  };

  beforeAll(async () => {
    database = await restartableDatabase();
    ledger = await LedgerUnderTest.start({ database });
  });

  afterAll(async () => {
    await ledger.stop();
    dataDirectory?.remove();
  });

  it('lists version 1 as the one in force, recorded in the journal', async () => {
    const answer = await ledger.get('/v1/rulebooks');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      items: [
        {
          id: 'shanghai-public-data-2019',
          version: 1,
          ref: 'shanghai-public-data-2019/v1',
          title: fileContent.title,
          inForceFrom: '2019-10-01',
          inForce: true,
          published: { globalPosition: expect.any(Number), recordedAt: expect.any(String) },
        },
      ],
    });
  });

  it('records RulebookPublished once, by the ledger itself, with the whole file and its digest', async () => {
    const events = await rulebookEvents();

    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'RulebookPublished',
      data: { id: 'shanghai-public-data-2019', version: 1, inForceFrom: '2019-10-01', digest: fileDigest },
      metadata: {
        actor: { id: 'system', role: 'system' },
        legalBasis: { rulebook: 'shanghai-public-data-2019/v1' },
      },
    });
    expect(events[0].data.rulebook).toEqual(fileContent);
    const listed = await ledger.get('/v1/rulebooks');
    expect(listed.body.items[0].published.globalPosition).toBe(events[0].globalPosition);
  });

  it.each(['1', 'v1', 'shanghai-public-data-2019%2Fv1'])(
    'answers /v1/rulebooks/%s with the whole content, its deadlines and calendar, and the digest',
    async (version) => {
      const answer = await ledger.get(`/v1/rulebooks/${version}`);

      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        ref: 'shanghai-public-data-2019/v1',
        inForce: true,
        digest: fileDigest,
        published: { globalPosition: expect.any(Number) },
      });
      expect(answer.body.rulebook).toEqual(fileContent);
      expect(answer.body.rulebook.deadlines.objection_verification).toMatchObject({ workingDays: 15 });
      expect(answer.body.rulebook.calendar).toMatchObject({ timeZone: 'Asia/Shanghai' });
      expect(Object.keys(answer.body.rulebook.calendar.years)).toEqual(['2023', '2024', '2025', '2026']);
    },
  );

  it('answers any valid key', async () => {
    const user = await ledger.principal('data_user');

    expect((await ledger.get('/v1/rulebooks', { token: user.token })).status).toBe(200);
    expect((await ledger.get('/v1/rulebooks/1', { token: user.token })).status).toBe(200);
  });

  it.each(['/v1/rulebooks', '/v1/rulebooks/1'])('refuses %s without a key with 401', async (path) => {
    const answer = await ledger.get(path, { token: null });

    expect([answer.status, answer.body.code]).toEqual([401, 'MissingCredentials']);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
  });

  it.each(['2', 'v2', 'another-rulebook%2Fv1'])('answers 404 RulebookNotFound for %s', async (version) => {
    const answer = await ledger.get(`/v1/rulebooks/${version}`);

    expect([answer.status, answer.body.code]).toEqual([404, 'RulebookNotFound']);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
  });

  it.each(['one', 'v0', '01', '1.0', 'V1', 'shanghai-public-data-2019%2F1'])(
    'answers 400 InvalidRulebookVersion for %s',
    async (version) => {
      const answer = await ledger.get(`/v1/rulebooks/${version}`);

      expect([answer.status, answer.body.code]).toEqual([400, 'InvalidRulebookVersion']);
    },
  );

  it.each([
    ['/v1/rulebooks?version=1', '/version'],
    ['/v1/rulebooks?limit=0', '/limit'],
    ['/v1/rulebooks?cursor=x', '/cursor'],
    ['/v1/rulebooks/1?format=yaml', '/format'],
  ])('refuses %s with 400 and the field at fault', async (path, field) => {
    const answer = await ledger.get(path);

    expect([answer.status, answer.body.code]).toEqual([400, 'ValidationFailed']);
    expect(answer.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it('pages the list with limit and cursor', async () => {
    const first = await ledger.get('/v1/rulebooks?limit=1');
    const after = await ledger.get('/v1/rulebooks?cursor=1');

    expect(first.body.items.map((item: { version: number }) => item.version)).toEqual([1]);
    expect(after.body).toEqual({ items: [] });
  });

  it('does not record a version again when the ledger restarts on the same journal', async () => {
    const before = await rulebookEvents();
    await ledger.stop({ keepDatabase: true });
    const restarted: TestDatabase =
      testBackend() === 'pglite'
        ? { ...database, journalOptions: { dataDir: database.journalOptions.dataDir } }
        : database;

    // The first start's admin key stays the admin key: a bootstrap token only counts on an empty ledger.
    ledger = await LedgerUnderTest.start({ database: restarted, bootstrapToken: ledger.adminToken });

    const after = await rulebookEvents();
    expect(after).toHaveLength(1);
    expect(after[0].globalPosition).toBe(before[0].globalPosition);
    expect((await ledger.get('/v1/rulebooks')).body.items[0].published.globalPosition).toBe(
      before[0].globalPosition,
    );
  });
});
