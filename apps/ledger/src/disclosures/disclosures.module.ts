import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { PersonalDataDisclosureService } from './personal-data-disclosure.service';
import { PersonalDataController } from './personal-data.controller';

@Module({
  imports: [AccessModule],
  controllers: [PersonalDataController],
  providers: [PersonalDataDisclosureService],
})
export class DisclosuresModule {}
