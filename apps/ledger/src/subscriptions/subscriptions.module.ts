import { Module } from '@nestjs/common';
import { WebhooksModule } from '@ledger/projections';
import { SubscriptionsController } from './subscriptions.controller';

@Module({
  imports: [WebhooksModule],
  controllers: [SubscriptionsController],
})
export class SubscriptionsModule {}
