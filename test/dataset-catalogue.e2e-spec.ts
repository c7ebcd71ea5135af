import { createHash } from 'node:crypto';
import { LedgerUnderTest } from './support/ledger-under-test';

const checksum = (text: string) => createHash('sha256').update(text).digest('hex');

/** The dataset catalogue view over HTTP: the keyed list, the public open list, paging and read-your-writes. */
describe('the dataset catalogue over HTTP', () => {
  let ledger: LedgerUnderTest;
  let transport: { token: string };
  let health: { token: string };
  let dataUser: { token: string };
  /** The position of the last command of the setup: reading with it sees every dataset below. */
  let settled: number;

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
    transport = await ledger.principal('body_officer', { organizationId: 'transport' });
    health = await ledger.principal('body_officer', { organizationId: 'health' });
    dataUser = await ledger.principal('data_user');

    // transport: bus-stops open, metro-lines registered, parking conditional and suspended, taxis withdrawn;
    // health: clinics open, patients non-open.
    await register(transport, 'bus-stops', 'transport', 'unconditional');
    await releaseVersion(transport, 'bus-stops', 1);
    await register(transport, 'metro-lines', 'transport', 'unconditional');
    await register(transport, 'parking', 'transport', 'conditional', {
      openConditions: 'a stated research purpose',
    });
    await releaseVersion(transport, 'parking', 2);
    await command(transport, '/parking/suspend', {
      reason: 'a security incident',
      cause: 'security',
      causeRef: 'INC-2026-7',
    });
    await register(transport, 'taxis', 'transport', 'unconditional');
    await releaseVersion(transport, 'taxis', 1);
    await command(transport, '/taxis/withdraw', { reason: 'the source is discontinued' });
    await register(health, 'clinics', 'health', 'unconditional');
    await releaseVersion(health, 'clinics', 1);
    settled = await register(health, 'patients', 'health', 'non_open');
  });

  afterAll(async () => {
    await ledger.stop();
  });

  /** Runs a command as `officer`; returns the globalPosition of the last event it recorded. */
  async function command(officer: { token: string }, path: string, body: unknown): Promise<number> {
    const answer = await ledger.post(`/v1/datasets${path}`, body, { token: officer.token });
    if (answer.status >= 300) throw new Error(`${path}: ${answer.status} ${answer.text}`);
    return answer.body.events[answer.body.events.length - 1].globalPosition;
  }

  const register = (
    officer: { token: string },
    id: string,
    organizationId: string,
    classification: string,
    extra: Record<string, unknown> = {},
  ) =>
    command(officer, '', {
      id,
      title: `The ${id}`,
      organizationId,
      classification,
      classificationBasis: 'assessed by the body',
      fields: ['id', 'name'],
      updateFrequency: 'monthly',
      ...extra,
    });

  const releaseVersion = (officer: { token: string }, id: string, version: number) =>
    command(officer, `/${id}/releases`, {
      version,
      checksum: checksum(`${id} v${version}`),
      recordCount: 10,
      format: 'csv',
    });

  const list = (query: string, token: string | null = dataUser.token) =>
    ledger.get(`/v1/datasets?minPosition=${settled}${query}`, { token });
  const openList = (query: string, token: string | null = null) =>
    ledger.get(`/v1/public/open-list?minPosition=${settled}${query}`, { token });
  const ids = (answer: { body: { items: { id: string }[] } }) => answer.body.items.map((item) => item.id);

  it('lists every dataset to any key, by id, with its state, stream version and position', async () => {
    const answer = await list('');

    expect(answer.status).toBe(200);
    expect(ids(answer)).toEqual(['bus-stops', 'clinics', 'metro-lines', 'parking', 'patients', 'taxis']);
    expect(answer.body.next).toBeUndefined();
    expect(answer.body.items.find((item: { id: string }) => item.id === 'parking')).toMatchObject({
      title: 'The parking',
      organizationId: 'transport',
      classification: 'conditional',
      status: 'suspended',
      currentVersion: 2,
      releaseCount: 1,
      openConditions: 'a stated research purpose',
      fields: ['id', 'name'],
      updateFrequency: 'monthly',
      suspension: { cause: 'security', causeRef: 'INC-2026-7' },
      version: 2,
      position: expect.any(Number),
    });
  });

  it('agrees with the dataset as folded from its stream (GET /v1/datasets/{id})', async () => {
    const [item] = (await list('&organizationId=transport&status=suspended')).body.items;
    const folded = await ledger.get('/v1/datasets/parking', { token: dataUser.token });

    expect(item).toMatchObject({
      id: 'parking',
      classification: folded.body.classification,
      status: folded.body.status,
      currentVersion: folded.body.currentVersion,
      releaseCount: folded.body.releases.length,
      version: folded.body.version,
      position: folded.body.position,
    });
  });

  it.each([
    ['organizationId=health', ['clinics', 'patients']],
    ['classification=non_open', ['patients']],
    ['status=registered', ['metro-lines', 'patients']],
    ['status=withdrawn', ['taxis']],
    ['organizationId=transport&classification=unconditional&status=open', ['bus-stops']],
    ['organizationId=nobody', []],
  ])('filters by %s', async (filter, expected) => {
    expect(ids(await list(`&${filter}`))).toEqual(expected);
  });

  it('pages by id: next is the cursor of the following page, absent on the last', async () => {
    const pages: string[][] = [];
    let cursor = '';
    for (;;) {
      const answer = await list(`&limit=4${cursor}`);
      expect(answer.status).toBe(200);
      pages.push(ids(answer));
      if (answer.body.next === undefined) break;
      cursor = `&cursor=${answer.body.next}`;
    }

    expect(pages).toEqual([
      ['bus-stops', 'clinics', 'metro-lines', 'parking'],
      ['patients', 'taxis'],
    ]);
  });

  it('refuses a minPosition beyond the journal’s head (400)', async () => {
    const head = await ledger.head();

    for (const path of ['/v1/datasets', '/v1/public/open-list']) {
      const answer = await ledger.get(`${path}?minPosition=${head + 1000}`, { token: dataUser.token });
      expect([answer.status, answer.body.code]).toEqual([400, 'PositionBeyondHead']);
    }
  });

  it.each([
    ['an unknown query parameter', 'owner=me'],
    ['a limit above 500', 'limit=501'],
    ['a limit of 0', 'limit=0'],
    ['a limit that is not a number', 'limit=ten'],
    ['a minPosition that is not a number', 'minPosition=1e3'],
    ['an unknown status', 'status=deleted'],
    ['an unknown classification', 'classification=secret'],
    ['a cursor that is no id', 'cursor=%2F..'],
  ])('refuses %s (400)', async (_, query) => {
    for (const path of ['/v1/datasets', '/v1/public/open-list']) {
      const answer = await ledger.get(`${path}?${query}`, { token: dataUser.token });
      expect([answer.status, answer.body.code]).toEqual([400, 'ValidationFailed']);
    }
  });

  it('answers 500 items at most per page and 50 by default', async () => {
    expect((await list('&limit=500')).status).toBe(200);
    expect((await list('')).body.items.length).toBeLessThanOrEqual(50);
  });

  it('needs a key for the full catalogue (401 without one)', async () => {
    expect((await list('', null)).status).toBe(401);
  });

  describe('the public open list', () => {
    it('shows, without a key, what is classified for opening and not withdrawn: never non-open data', async () => {
      const answer = await openList('');

      expect(answer.status).toBe(200);
      expect(ids(answer)).toEqual(expect.arrayContaining(['bus-stops', 'clinics', 'metro-lines', 'parking']));
      expect(ids(answer)).not.toContain('patients');
      expect(ids(answer)).not.toContain('taxis');
      for (const item of answer.body.items) {
        expect(['unconditional', 'conditional']).toContain(item.classification);
        expect(['registered', 'open', 'suspended']).toContain(item.status);
      }
    });

    it('shows a suspension’s cause but not its reference', async () => {
      const [parking] = (await openList('&status=suspended')).body.items;

      expect(parking).toMatchObject({
        id: 'parking',
        status: 'suspended',
        suspension: { cause: 'security' },
      });
      expect(parking.suspension.causeRef).toBeUndefined();
      expect(Object.keys(parking).sort()).toEqual(
        [
          'id',
          'title',
          'organizationId',
          'classification',
          'status',
          'currentVersion',
          'releaseCount',
          'updateFrequency',
          'openConditions',
          'fields',
          'suspension',
          'version',
          'position',
          'registeredAt',
          'lastReleasedAt',
          'updatedAt',
        ].sort(),
      );
    });

    it('filters and pages like the catalogue', async () => {
      expect(ids(await openList('&organizationId=health'))).toEqual(['clinics']);
      expect(ids(await openList('&classification=conditional'))).toEqual(['parking']);
      const first = await openList('&organizationId=transport&limit=1');
      const second = await openList(`&organizationId=transport&limit=1&cursor=${first.body.next}`);
      expect([ids(first), ids(second)]).toEqual([['bus-stops'], ['metro-lines']]);
    });

    it.each(['classification=non_open', 'status=withdrawn'])(
      'refuses to be asked for what it never shows (%s: 400)',
      async (query) => {
        const answer = await openList(`&${query}`);
        expect([answer.status, answer.body.code]).toEqual([400, 'ValidationFailed']);
      },
    );

    it('refuses a bad key, as every public endpoint does (401)', async () => {
      expect((await openList('', 'not-a-key')).status).toBe(401);
    });
  });

  it('reads its own writes: minPosition = the globalPosition a command answered', async () => {
    const water = await ledger.principal('body_officer', { organizationId: 'water' });
    const position = await register(water, 'ferries', 'water', 'unconditional');

    const answer = await ledger.get(`/v1/datasets?organizationId=water&minPosition=${position}`, {
      token: water.token,
    });

    expect(answer.status).toBe(200);
    expect(answer.body.items).toEqual([
      expect.objectContaining({ id: 'ferries', status: 'registered', position }),
    ]);
  });
});
