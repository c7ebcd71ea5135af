import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { TransparencyLogModule } from '../transparency-log/transparency-log.module';
import { AuditTrailController } from './audit-trail.controller';
import { AuditTrailService } from './audit-trail.service';
import { ExportJobs } from './export-jobs.service';

@Module({
  imports: [AccessModule, TransparencyLogModule],
  controllers: [AuditTrailController],
  providers: [AuditTrailService, ExportJobs],
})
export class AuditTrailModule {}
