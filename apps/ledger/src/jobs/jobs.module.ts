import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { AdminSessionController } from './admin-session.controller';
import { JobsController } from './jobs.controller';
import { QueueBoard } from './queue-board';

/** The admin views of the job queues and the job outbox: GET /v1/admin/jobs, and the queue board at /v1/admin/queues. */
@Module({
  imports: [AccessModule],
  controllers: [JobsController, AdminSessionController],
  providers: [QueueBoard],
})
export class JobsModule {}
