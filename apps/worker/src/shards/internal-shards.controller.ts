import { Body, Controller, HttpCode, HttpException, Param, Post, UseGuards } from '@nestjs/common';
import { isShardOp, ShardError, type ShardErrorCode } from '@hivehub/shard';
import { NodeTokenGuard } from './node-token.guard';
import { ShardHost } from './shard-host.service';

const STATUS_BY_CODE: Record<ShardErrorCode, number> = {
  bad_request: 400,
  validation: 422,
  not_found: 404,
  conflict: 409,
  quota_exceeded: 429,
  corrupt: 500,
  closed: 503,
};

/**
 * The node's internal data API: one route per shard operation, body = the op's args
 * (libs/shard/src/ops.ts). Answers `{ result }` or `{ error: { code, message } }`.
 */
@UseGuards(NodeTokenGuard)
@Controller('internal/shards')
export class InternalShardsController {
  constructor(private readonly host: ShardHost) {}

  @Post(':tenantId/ops/:op')
  @HttpCode(200)
  async run(@Param('tenantId') tenantId: string, @Param('op') op: string, @Body() args: unknown) {
    if (!isShardOp(op)) throw new HttpException({ error: { code: 'bad_request', message: `unknown shard operation '${op}'` } }, 400);
    try {
      const shard = await this.host.shardOf(tenantId);
      const method = shard[op] as (a: unknown) => unknown;
      return { result: await method.call(shard, args ?? {}) };
    } catch (err) {
      if (err instanceof ShardError) {
        throw new HttpException({ error: { code: err.code, message: err.message } }, STATUS_BY_CODE[err.code]);
      }
      throw err;
    }
  }
}
