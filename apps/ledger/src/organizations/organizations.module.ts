import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { OrganizationsController } from './organizations.controller';
import { RegisterOrganizationHandler } from './register-organization.handler';

@Module({
  imports: [AccessModule],
  controllers: [OrganizationsController],
  providers: [RegisterOrganizationHandler],
})
export class OrganizationsModule {}
