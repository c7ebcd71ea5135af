import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { BootstrapAdministrator } from './bootstrap-administrator';
import { PrincipalCommandsHandler } from './principal-commands.handler';
import { PrincipalsController } from './principals.controller';

@Module({
  imports: [AccessModule],
  controllers: [PrincipalsController],
  providers: [PrincipalCommandsHandler, BootstrapAdministrator],
})
export class PrincipalsModule {}
