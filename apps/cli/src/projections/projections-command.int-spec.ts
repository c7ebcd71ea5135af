import { Command } from 'commander';
import { openTestJournal, testBackend } from '../../../../test/support/test-backend';
import { registerProjectionsCommand } from './projections-command';

type TestJournal = Awaited<ReturnType<typeof openTestJournal>>;

const officer = { id: 'officer-1', role: 'body_officer' as const, organizationId: 'org-a' };

/** `ledger projections status | rebuild` against a journal of the test backend. */
describe(`ledger projections on ${testBackend()}`, () => {
  let journal: TestJournal;
  let printed: string[];

  beforeEach(async () => {
    journal = await openTestJournal();
    printed = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    for (let n = 0; n < 30; n++) {
      await journal.store.append(
        `dataset-ds-${n}`,
        [
          {
            id: `registered-${n}`,
            type: 'DatasetRegistered',
            data: {
              title: `Dataset ${n}`,
              organizationId: 'org-a',
              classification: 'unconditional',
              classificationBasis: 'public',
              fields: ['a'],
              updateFrequency: 'monthly',
            },
            metadata: {
              actor: officer,
              legalBasis: { rulebook: 'shanghai-public-data-2019/v1', article: 'x' },
            },
            source: 'urn:open-data-ledger:api',
            schemaVersion: 1,
          },
        ],
        { expectedVersion: 'no_stream' },
      );
    }
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await journal.dispose();
  });

  async function run(...args: string[]): Promise<void> {
    const cli = new Command('ledger').exitOverride();
    registerProjectionsCommand(cli, (work) => work(journal));
    await cli.parseAsync(['node', 'ledger', ...args]);
  }

  it('rebuilds the catalogue from position 0 and says how many positions it replayed', async () => {
    await run('projections', 'rebuild', 'dataset_catalogue');

    expect(printed.join('\n')).toMatch(/^rebuilt dataset_catalogue: 30 journal positions in /);
    const [{ n }] = await journal.database.query<{ n: string }>(
      'SELECT count(*) AS n FROM ledger_views.datasets',
    );
    expect(Number(n)).toBe(30);
  });

  it('shows each projection’s position and lag', async () => {
    await run('projections', 'rebuild', 'dataset_catalogue');
    printed = [];

    await run('projections', 'status');

    expect(printed).toContain('dataset_catalogue (v3): applied through 29, 0 behind the journal (head 29)');
  });

  it('refuses a projection it does not know, naming the ones it does', async () => {
    await expect(run('projections', 'rebuild', 'nothing')).rejects.toThrow(
      /no projection nothing; the projections are .*dataset_catalogue/,
    );
  });
});
