import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { AccessViewsModule } from '../access-views/access-views.module';
import { ViewsModule } from '../views/views.module';
import { CaseQueueReader } from './case-queue.reader';
import { CorrectionQueueController, ObjectionQueueController } from './case-queues.controller';
import { StatisticsController } from './statistics.controller';
import { StatisticsReuse } from './statistics-reuse';

/** Work queues of corrections and objections with their deadlines, and the evaluation figures per body. */
@Module({
  imports: [AccessModule, ViewsModule, AccessViewsModule],
  controllers: [CorrectionQueueController, ObjectionQueueController, StatisticsController],
  providers: [CaseQueueReader, StatisticsReuse],
})
export class QueuesModule {}
