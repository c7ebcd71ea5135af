import type { Rulebooks } from '@ledger/runtime';
import type { Projection } from './engine/projection';
import { accessViewsProjection } from './access-views/access-views.projection';
import { caseQueuesProjection } from './case-queues/case-queues.projection';
import { datasetCatalogueProjection } from './dataset-catalogue/dataset-catalogue.projection';
import { conditionalAccessTimersReactor } from './deadline-timers/conditional-access-timers.reactor';
import { deadlineTimersReactor } from './deadline-timers/deadline-timers.reactor';
import { violationDetectionReactor } from './detection/detection.reactor';
import { webhooksReactor } from './webhooks/webhooks.reactor';

/** What projections may need besides the journal: the rulebooks (deadlines, calendars). */
export interface ProjectionDependencies {
  rulebooks: Rulebooks;
}

/** Every projection the ledger runs. Add one here and it is created, run, measured and (unless a reactor) rebuildable. */
export function ledgerProjections(dependencies: ProjectionDependencies): Projection[] {
  return [
    caseQueuesProjection(dependencies.rulebooks),
    accessViewsProjection(dependencies.rulebooks),
    datasetCatalogueProjection,
    webhooksReactor,
    deadlineTimersReactor(dependencies.rulebooks),
    violationDetectionReactor(dependencies.rulebooks),
    conditionalAccessTimersReactor(dependencies.rulebooks),
  ];
}
