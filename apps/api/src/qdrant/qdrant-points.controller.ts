import { Body, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiParam } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { TenantRoute } from '../auth/tenant-auth.guard';
import { Envelope, type Enveloper } from './qdrant-envelope';
import { CollectionParam, QdrantBody, QdrantController, QdrantResult, WaitQuery } from './qdrant-controller.decorator';
import { QdrantPointsService } from './qdrant-points.service';
import { waitQuery } from './schemas/common.schema';
import { parseWith } from './schemas/parse';
import { countSchema, deletePointsSchema, pointIdFromPath, retrieveSchema, scrollSchema, upsertSchema } from './schemas/points.schema';

const waitOf = (query: unknown) => parseWith(waitQuery, query, 'query parameters').wait;

@QdrantController()
export class QdrantPointsController {
  constructor(private readonly points: QdrantPointsService) {}

  @Put(':name/points')
  @TenantRoute('write')
  @CollectionParam()
  @WaitQuery()
  @ApiOperation({
    summary: 'Insert or replace points (Qdrant: upsert_points)',
    description: 'Body: {"points": [{"id", "vector", "payload"?}]} or {"batch": {"ids", "vectors", "payloads"?}}. 429 past the plan\'s vector limit (nothing written).',
  })
  @QdrantBody('Qdrant PointInsertOperations')
  @QdrantResult('{"operation_id", "status": "completed" | "acknowledged"}')
  upsert(@Envelope() ok: Enveloper, @CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: unknown, @Query() query: unknown) {
    return ok(this.points.upsert(principal.tenant, name, parseWith(upsertSchema, body), waitOf(query)));
  }

  @Post(':name/points')
  @HttpCode(200)
  @TenantRoute('read')
  @CollectionParam()
  @ApiOperation({ summary: 'Retrieve points by id; missing ids are left out (Qdrant: get_points)' })
  @QdrantBody('{"ids", "with_payload"? (default true), "with_vector"? (default false)}')
  @QdrantResult('[Record]')
  retrieve(@Envelope() ok: Enveloper, @CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: unknown) {
    return ok(this.points.retrieve(principal.tenant, name, parseWith(retrieveSchema, body)));
  }

  @Get(':name/points/:id')
  @TenantRoute('read')
  @CollectionParam()
  @ApiParam({ name: 'id', description: 'an unsigned integer or a UUID' })
  @ApiOperation({ summary: 'One point with payload and vector; 404 if absent (Qdrant: get_point)' })
  @QdrantResult('Record')
  getOne(@Envelope() ok: Enveloper, @CurrentPrincipal() principal: Principal, @Param('name') name: string, @Param('id') id: string) {
    return ok(this.points.getOne(principal.tenant, name, pointIdFromPath(id)));
  }

  @Post(':name/points/delete')
  @HttpCode(200)
  @TenantRoute('write')
  @CollectionParam()
  @WaitQuery()
  @ApiOperation({ summary: 'Delete points by id or by filter (Qdrant: delete_points)' })
  @QdrantBody('{"points": [ids]} or {"filter": Filter}')
  @QdrantResult('{"operation_id", "status": "completed" | "acknowledged"}')
  delete(@Envelope() ok: Enveloper, @CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: unknown, @Query() query: unknown) {
    return ok(this.points.delete(principal.tenant, name, parseWith(deletePointsSchema, body), waitOf(query)));
  }

  @Post(':name/points/scroll')
  @HttpCode(200)
  @TenantRoute('read')
  @CollectionParam()
  @ApiOperation({ summary: 'Page through points in id order (Qdrant: scroll_points)' })
  @QdrantBody('{"filter"?, "limit"? (default 10), "offset"? (a point id), "with_payload"? (default true), "with_vector"?}')
  @QdrantResult('{"points": [Record], "next_page_offset": id | null}')
  scroll(@Envelope() ok: Enveloper, @CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: unknown) {
    return ok(this.points.scroll(principal.tenant, name, parseWith(scrollSchema, body)));
  }

  @Post(':name/points/count')
  @HttpCode(200)
  @TenantRoute('read')
  @CollectionParam()
  @ApiOperation({ summary: 'Count points, optionally matching a filter; always exact (Qdrant: count_points)' })
  @QdrantBody('{"filter"?, "exact"?}')
  @QdrantResult('{"count"}')
  count(@Envelope() ok: Enveloper, @CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: unknown) {
    return ok(this.points.count(principal.tenant, name, parseWith(countSchema, body)));
  }
}
