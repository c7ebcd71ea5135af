import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ApplicationCommandsHandler } from './application-commands.handler';
import { ApplicationsController } from './applications.controller';
import { GrantCommandsHandler } from './grant-commands.handler';
import { GrantsController } from './grants.controller';
import { ViolationCommandsHandler } from './violation-commands.handler';
import { ViolationsController } from './violations.controller';

/** The commands of conditional access (applications, grants, violation cases); their views live in access-views. */
@Module({
  imports: [AccessModule],
  controllers: [ApplicationsController, GrantsController, ViolationsController],
  providers: [ApplicationCommandsHandler, GrantCommandsHandler, ViolationCommandsHandler],
})
export class ConditionalAccessModule {}
