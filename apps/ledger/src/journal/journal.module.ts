import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { JournalController } from './journal.controller';
import { JournalTailService } from './journal-tail.service';
import { PublishEventsHandler } from './publish-events.handler';

@Module({
  imports: [AccessModule],
  controllers: [JournalController],
  providers: [PublishEventsHandler, JournalTailService],
})
export class JournalModule {}
