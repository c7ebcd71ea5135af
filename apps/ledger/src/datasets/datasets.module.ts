import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { DatasetCommandsHandler } from './dataset-commands.handler';
import { DatasetsController } from './datasets.controller';

@Module({
  imports: [AccessModule],
  controllers: [DatasetsController],
  providers: [DatasetCommandsHandler],
})
export class DatasetsModule {}
