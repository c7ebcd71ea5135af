import { Module } from '@nestjs/common';
import { LEDGER_CONFIG, LOGGER, TRANSPARENCY_LOG } from '@ledger/runtime';
import { AccessModule } from '../access/access.module';
import { CHECKPOINT_SIGNER, checkedCheckpointSigner, LogSequencerService } from './log-sequencer.service';
import { TransparencyLogController } from './transparency-log.controller';

@Module({
  imports: [AccessModule],
  controllers: [TransparencyLogController],
  providers: [
    {
      provide: CHECKPOINT_SIGNER,
      useFactory: checkedCheckpointSigner,
      inject: [LEDGER_CONFIG, LOGGER, TRANSPARENCY_LOG],
    },
    LogSequencerService,
  ],
  exports: [LogSequencerService],
})
export class TransparencyLogModule {}
