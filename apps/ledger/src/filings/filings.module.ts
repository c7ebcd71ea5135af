import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { CorrectionsController } from './corrections.controller';
import { CorrectionCommandsHandler, ObjectionCommandsHandler } from './filing-commands.handler';
import { ObjectionsController } from './objections.controller';
import { PublicFilingsController } from './public-filings.controller';

@Module({
  imports: [AccessModule],
  controllers: [CorrectionsController, ObjectionsController, PublicFilingsController],
  providers: [CorrectionCommandsHandler, ObjectionCommandsHandler],
})
export class FilingsModule {}
