import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { JobsController } from './jobs.controller';

/** The admin view of the job queues and the job outbox. */
@Module({ imports: [AccessModule], controllers: [JobsController] })
export class JobsModule {}
