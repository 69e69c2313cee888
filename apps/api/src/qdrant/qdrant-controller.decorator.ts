import { applyDecorators, Controller, UseFilters } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { QDRANT_COLLECTION_ROUTES } from './qdrant-envelope';
import { QdrantErrorFilter } from './qdrant-error.filter';

/**
 * A controller of Qdrant-compatible routes: mounted at /collections and
 * /qdrant/collections, errors in Qdrant's envelope (the filter is bound here, so it
 * wins over the global one). Handlers wrap their answers with `@Envelope()`.
 */
export const QdrantController = () =>
  applyDecorators(
    ApiTags('qdrant'),
    Controller(QDRANT_COLLECTION_ROUTES),
    UseFilters(QdrantErrorFilter),
  );

/** OpenAPI for a route's Qdrant body; the schemas are Qdrant's (loose unions), checked by zod in schemas/. */
export const QdrantBody = (description: string) => ApiBody({ description, schema: { type: 'object' } });

/** The 200 answer of a Qdrant route whose result is `result`, and its errors. */
export const qdrantOkDescription = (result: string) =>
  `{"result": ${result}, "status": "ok", "time": <seconds>}; errors are {"status": {"error": "<message>"}, "time": <seconds>}`;

export const QdrantResult = (description: string) => ApiOkResponse({ description: qdrantOkDescription(description) });

export const CollectionParam = () => ApiParam({ name: 'name', description: 'collection name' });

export const WaitQuery = () =>
  ApiQuery({
    name: 'wait',
    required: false,
    enum: ['true', 'false'],
    description: 'true: answer once the write is durable ("completed"); false or absent: once it is appended ("acknowledged"). 200 either way.',
  });
