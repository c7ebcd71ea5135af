import type { Journal } from '@ledger/store';
import { ProjectionEngine, ProjectionEngineOptions } from './engine/projection-engine';
import { ledgerProjections, ProjectionDependencies } from './projections';

/** The engine with every projection of the ledger registered: what the worker runs and `ledger projections` drives. */
export function createProjectionEngine(
  journal: Pick<Journal, 'database' | 'store'>,
  dependencies: ProjectionDependencies,
  options: ProjectionEngineOptions = {},
): ProjectionEngine {
  const engine = new ProjectionEngine(journal.database, journal.store, options);
  for (const projection of ledgerProjections(dependencies)) engine.register(projection);
  return engine;
}
