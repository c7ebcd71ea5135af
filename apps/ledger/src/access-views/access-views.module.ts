import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ViewsModule } from '../views/views.module';
import {
  ApplicationViewsController,
  DetectionViewsController,
  GrantViewsController,
  PublicRevocationsController,
  ViolationViewsController,
} from './access-views.controller';
import { AccessViewsReader } from './access-views.reader';

/**
 * The conditional-access views: the applications queue, the grants registry, violation cases,
 * detections and the public revocation notices. The reader is exported for the evaluation figures.
 */
@Module({
  imports: [AccessModule, ViewsModule],
  controllers: [
    ApplicationViewsController,
    GrantViewsController,
    ViolationViewsController,
    DetectionViewsController,
    PublicRevocationsController,
  ],
  providers: [AccessViewsReader],
  exports: [AccessViewsReader],
})
export class AccessViewsModule {}
