import { Module } from '@nestjs/common';
import { ViewReadiness } from './view-readiness';

/** What every view's controller shares: read-your-writes (`minPosition`). */
@Module({ providers: [ViewReadiness], exports: [ViewReadiness] })
export class ViewsModule {}
