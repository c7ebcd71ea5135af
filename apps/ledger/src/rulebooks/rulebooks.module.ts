import { Module } from '@nestjs/common';
import { RulebookPublisher } from './rulebook-publisher';
import { RulebooksController } from './rulebooks.controller';

/** The rulebook versions over HTTP, and their recording in the journal as each comes into force. */
@Module({
  controllers: [RulebooksController],
  providers: [RulebookPublisher],
})
export class RulebooksModule {}
