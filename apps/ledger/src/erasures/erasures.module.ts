import { Module } from '@nestjs/common';
import { ErasePersonalDataHandler } from './erase-personal-data.handler';
import { ErasuresController } from './erasures.controller';

@Module({
  controllers: [ErasuresController],
  providers: [ErasePersonalDataHandler],
})
export class ErasuresModule {}
