import { Command } from 'commander';
import { createProjectionEngine, ProjectionEngine } from '@ledger/projections';
import { loadRulebooks, Rulebooks } from '@ledger/runtime';
import type { Journal } from '@ledger/store';
import { ProgressLine } from '../progress-line';

type WithJournal = (work: (journal: Journal) => Promise<void>) => Promise<void>;

/**
 * `ledger projections`: see how far each view is, and rebuild one from position 0 into fresh tables
 * while the old ones keep serving, then swap. Rebuilding applies only the view's tables: reactors'
 * side effects (timers, webhooks) are never repeated by it.
 */
export function registerProjectionsCommand(cli: Command, withJournal: WithJournal): void {
  const projections = cli
    .command('projections')
    .description('the read models (views) the projection worker keeps: their status, and rebuilds');

  projections
    .command('status')
    .description("each projection's applied position and how far it is behind the journal")
    .action(async () => {
      await withJournal(async (journal) => {
        const engine = engineOver(journal);
        const [head, checkpoints] = await Promise.all([journal.store.head(), engine.checkpoints()]);
        for (const { name, version } of engine.registered) {
          const position = checkpoints.get(name);
          console.log(
            position === undefined
              ? `${name} (v${version}): not created yet (the worker creates it when it starts)`
              : `${name} (v${version}): applied through ${position}, ${head - position} behind the journal (head ${head})`,
          );
        }
      });
    });

  projections
    .command('rebuild')
    .argument('<name>', 'the projection to rebuild (see `ledger projections status`)')
    .description(
      'replay the whole journal into a fresh generation of the view while the current one keeps serving, then swap',
    )
    .addHelpText(
      'after',
      '\nWith the embedded store, stop the service first: one process holds its data directory. With PostgreSQL\n' +
        'the service keeps running and answering from the old tables until the swap.',
    )
    .action(async (name: string) => {
      await withJournal(async (journal) => {
        const engine = engineOver(journal);
        if (!engine.registered.some((projection) => projection.name === name)) {
          const known = engine.registered.map((projection) => projection.name).join(', ');
          throw new Error(`no projection ${name}; the projections are ${known || 'none'}`);
        }
        const progress = process.stderr.isTTY
          ? new ProgressLine(process.stderr, `rebuilding ${name}`)
          : undefined;
        const started = Date.now();
        const position = await engine.rebuild(name, ({ position: at, head }) =>
          progress?.show(at + 1, head + 1),
        );
        progress?.clear();
        const seconds = (Date.now() - started) / 1000;
        console.log(
          `rebuilt ${name}: ${(position + 1).toLocaleString('en')} journal positions in ${seconds.toFixed(1)} s ` +
            `(${Math.round((position + 1) / Math.max(seconds, 0.001)).toLocaleString('en')} events/s); readers now see the new tables`,
        );
      });
    });
}

function engineOver(journal: Journal): ProjectionEngine {
  return createProjectionEngine(journal, { rulebooks: new Rulebooks(loadRulebooks()) });
}
