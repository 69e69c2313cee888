import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { TenantRoute } from '../auth/tenant-auth.guard';
import { QDRANT_COMPAT_VERSION } from './qdrant-envelope';
import { QdrantCollectionsService } from './qdrant-collections.service';

@ApiTags('qdrant')
@Controller()
export class QdrantRootController {
  constructor(private readonly collections: QdrantCollectionsService) {}

  /** Open, like Qdrant's: the official client calls it on construction to check version compatibility. */
  @Get(['', 'qdrant'])
  @ApiOperation({ summary: "Server name and the Qdrant API version served (Qdrant's root; no auth)" })
  @ApiOkResponse({ description: '{"title", "version"}' })
  root() {
    return { title: 'hivehub - vector search engine', version: QDRANT_COMPAT_VERSION };
  }

  /** HiveHub's own route, so failures use the hub's error envelope. */
  @Get('stats')
  @TenantRoute('read')
  @ApiOperation({ summary: "The acting tenant's collections with their vector counts, dimensions and distances" })
  @ApiOkResponse({ description: '{"collections": [{"name", "vectors_count", "dimension", "distance"}], "total_collections", "total_vectors"}' })
  stats(@CurrentPrincipal() principal: Principal) {
    return this.collections.stats(principal.tenant);
  }
}
