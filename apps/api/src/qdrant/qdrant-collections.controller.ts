import { Body, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { TenantRoute } from '../auth/tenant-auth.guard';
import { Envelope, type Enveloper } from './qdrant-envelope';
import { CollectionParam, QdrantBody, QdrantController, QdrantResult } from './qdrant-controller.decorator';
import { QdrantCollectionsService } from './qdrant-collections.service';
import { createCollectionSchema, toCreateConfig } from './schemas/collection.schema';
import { parseWith } from './schemas/parse';

@QdrantController()
export class QdrantCollectionsController {
  constructor(private readonly collections: QdrantCollectionsService) {}

  @Get()
  @TenantRoute('read')
  @ApiOperation({ summary: "List the tenant's collections (Qdrant: get_collections)" })
  @QdrantResult('{"collections": [{"name"}]}')
  list(@Envelope() ok: Enveloper, @CurrentPrincipal() principal: Principal) {
    return ok(this.collections.list(principal.tenant));
  }

  @Get(':name')
  @TenantRoute('read')
  @CollectionParam()
  @ApiOperation({ summary: 'Collection info: status, counts and config in Qdrant\'s CollectionInfo shape (Qdrant: get_collection)' })
  @QdrantResult('CollectionInfo')
  get(@Envelope() ok: Enveloper, @CurrentPrincipal() principal: Principal, @Param('name') name: string) {
    return ok(this.collections.get(principal.tenant, name));
  }

  @Get(':name/exists')
  @TenantRoute('read')
  @CollectionParam()
  @ApiOperation({ summary: 'Whether the collection exists (Qdrant: collection_exists)' })
  @QdrantResult('{"exists": boolean}')
  exists(@Envelope() ok: Enveloper, @CurrentPrincipal() principal: Principal, @Param('name') name: string) {
    return ok(this.collections.exists(principal.tenant, name));
  }

  @Put(':name')
  @TenantRoute('write')
  @CollectionParam()
  @ApiOperation({
    summary: 'Create a collection of one unnamed dense vector (Qdrant: create_collection)',
    description:
      'Body: {"vectors": {"size", "distance": "Cosine" | "Euclid" | "Dot"}, "hnsw_config"?: {"m", "ef_construct"}}. Named, sparse and multi-vectors, quantization and custom sharding are refused with 400. 409 if it exists, 429 past the plan\'s collection limit.',
  })
  @QdrantBody('Qdrant CreateCollection')
  @QdrantResult('true')
  create(@Envelope() ok: Enveloper, @CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: unknown) {
    return ok(this.collections.create(principal.tenant, name, toCreateConfig(parseWith(createCollectionSchema, body))));
  }

  @Delete(':name')
  @TenantRoute('write')
  @CollectionParam()
  @ApiOperation({ summary: 'Delete a collection and its points; result false if there was none (Qdrant: delete_collection)' })
  @QdrantResult('boolean')
  delete(@Envelope() ok: Enveloper, @CurrentPrincipal() principal: Principal, @Param('name') name: string) {
    return ok(this.collections.delete(principal.tenant, name));
  }
}
