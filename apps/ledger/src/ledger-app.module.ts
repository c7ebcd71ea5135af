import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectionsModule, ProjectionsWorkerModule } from '@ledger/projections';
import { RuntimeModule, RuntimeOptions } from '@ledger/runtime';
import { AccessModule } from './access/access.module';
import { AccessViewsModule } from './access-views/access-views.module';
import { AuditTrailModule } from './audit-trail/audit-trail.module';
import { ConditionalAccessModule } from './conditional-access/conditional-access.module';
import { DisclosuresModule } from './disclosures/disclosures.module';
import { ErasuresModule } from './erasures/erasures.module';
import { DatasetsModule } from './datasets/datasets.module';
import { FilingsModule } from './filings/filings.module';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { JobsModule } from './jobs/jobs.module';
import { JournalModule } from './journal/journal.module';
import { OperationsModule } from './operations/operations.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { PrincipalsModule } from './principals/principals.module';
import { QueuesModule } from './queues/queues.module';
import { RateLimitsModule } from './rate-limits/rate-limits.module';
import { RulebooksModule } from './rulebooks/rulebooks.module';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { TransparencyLogModule } from './transparency-log/transparency-log.module';

/** The HTTP API; with `processRole: all` (and always in embedded mode) the projection worker runs in the same process. */
@Module({})
export class LedgerAppModule {
  static register(options: RuntimeOptions): DynamicModule {
    const withWorker = options.config.processRole === 'all';
    return {
      module: LedgerAppModule,
      imports: [
        RuntimeModule.forRoot(options),
        CqrsModule.forRoot(),
        ProjectionsModule,
        AccessModule,
        // After AccessModule: Nest runs global guards in module order, and the per-principal limit needs the principal.
        RateLimitsModule,
        JournalModule,
        OrganizationsModule,
        PrincipalsModule,
        RulebooksModule,
        DatasetsModule,
        FilingsModule,
        ConditionalAccessModule,
        QueuesModule,
        AccessViewsModule,
        TransparencyLogModule,
        AuditTrailModule,
        ErasuresModule,
        DisclosuresModule,
        SubscriptionsModule,
        OperationsModule,
        JobsModule,
        ...(withWorker ? [ProjectionsWorkerModule] : []),
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
