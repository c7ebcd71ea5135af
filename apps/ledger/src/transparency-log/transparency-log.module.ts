import { Module } from '@nestjs/common';
import { LEDGER_CONFIG, LedgerConfig, loadCheckpointSigner, LOGGER, Logger } from '@ledger/runtime';
import { AccessModule } from '../access/access.module';
import { CHECKPOINT_SIGNER, LogSequencerService } from './log-sequencer.service';
import { TransparencyLogController } from './transparency-log.controller';

@Module({
  imports: [AccessModule],
  controllers: [TransparencyLogController],
  providers: [
    {
      provide: CHECKPOINT_SIGNER,
      useFactory: (config: LedgerConfig, logger: Logger) => loadCheckpointSigner(config, logger),
      inject: [LEDGER_CONFIG, LOGGER],
    },
    LogSequencerService,
  ],
  exports: [LogSequencerService],
})
export class TransparencyLogModule {}
