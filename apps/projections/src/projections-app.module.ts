import { DynamicModule, Module } from '@nestjs/common';
import { ProjectionsWorkerModule } from '@ledger/projections';
import { RuntimeModule, RuntimeOptions } from '@ledger/runtime';

/** The projection worker on its own, for deployments where it runs apart from the API (PostgreSQL only). */
@Module({})
export class ProjectionsAppModule {
  static register(options: RuntimeOptions): DynamicModule {
    return {
      module: ProjectionsAppModule,
      imports: [RuntimeModule.forRoot(options), ProjectionsWorkerModule],
    };
  }
}
