import { Module } from '@nestjs/common';
import { JobProducer } from '@hivehub/jobs';
import { NodeDirectory } from './node-directory.service';
import { NodesController } from './nodes.controller';

@Module({
  controllers: [NodesController],
  providers: [NodeDirectory, JobProducer],
  exports: [NodeDirectory, JobProducer],
})
export class NodesModule {}
