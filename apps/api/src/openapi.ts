import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { HIVEHUB_VERSION } from '@hivehub/common';
import { withQdrantSearchRoutes } from './qdrant/qdrant-search.openapi';

/** OpenAPI at /docs (UI) and /docs-json, generated from the controllers and DTOs, plus the search routes served ahead of Nest. */
export function mountOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('HiveHub API')
    .setDescription('Multi-tenant vector database with disaster recovery: admin, hub and health routes.')
    .setVersion(HIVEHUB_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'the admin token' }, 'admin')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'a tenant API key (hh_…)' }, 'tenant-key')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'api-key', description: "a tenant API key, Qdrant's header" }, 'qdrant-api-key')
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-HiveHub-Service', description: 'a service key; with X-HiveHub-User-ID: <tenant id>' },
      'hub-service',
    )
    .build();
  SwaggerModule.setup('docs', app, () => withQdrantSearchRoutes(SwaggerModule.createDocument(app, config)), { jsonDocumentUrl: 'docs-json' });
}
