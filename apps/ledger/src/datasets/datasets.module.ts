import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ViewsModule } from '../views/views.module';
import { DatasetCatalogueController, PublicOpenListController } from './dataset-catalogue.controller';
import { DatasetCommandsHandler } from './dataset-commands.handler';
import { DatasetHistoryService } from './dataset-history.service';
import { DatasetsController } from './datasets.controller';

@Module({
  imports: [AccessModule, ViewsModule],
  controllers: [DatasetsController, DatasetCatalogueController, PublicOpenListController],
  providers: [DatasetCommandsHandler, DatasetHistoryService],
})
export class DatasetsModule {}
