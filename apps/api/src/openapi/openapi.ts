import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

import { API_KEY_SCHEME, JWT_SCHEME, SERVICE_PASSWORD_SCHEME, SERVICE_USERNAME_SCHEME } from '../common/security-schemes';

/**
 * Operation ids are the handler names; the `/api/ui` mount gets a `ui` prefix so both mounts
 * stay distinct in a generated client.
 */
function operationId(controllerKey: string, methodKey: string): string {
  return controllerKey.startsWith('Ui') ? `ui${methodKey[0]?.toUpperCase()}${methodKey.slice(1)}` : methodKey;
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('kube-monitoring API')
    .setDescription(
      'CPU, memory and GPU usage of a Kubernetes cluster, from InfluxDB, for billing and dashboards.\n\n' +
        'Two ways in: the billing system sends `X-USERNAME` and `X-PASSWORD` headers (or an `X-API-KEY`) on `/api/...`; ' +
        'people log in at `/api/auth/login` and send `Authorization: Bearer <token>` on `/api/ui/...` ' +
        '(the same endpoints, limited to the namespaces of their account).\n\n' +
        'Errors are always `{"code": <status>, "message": "..."}`. Periods are `from` inclusive, `to` exclusive, UTC.',
    )
    .setVersion('1.0.0')
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addServer('/', 'This server')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-USERNAME', description: 'Service user (env API_USERNAME)' }, SERVICE_USERNAME_SCHEME)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-PASSWORD', description: 'Service password (env API_PASSWORD)' }, SERVICE_PASSWORD_SCHEME)
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-API-KEY', description: 'A key from POST /api/api-keys, instead of the service credentials (its namespaces only)' },
      API_KEY_SCHEME,
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Token from POST /api/auth/login' }, JWT_SCHEME)
    .build();
  return normalize(SwaggerModule.createDocument(app, config, { operationIdFactory: operationId }));
}

type Operation = { security?: unknown[]; parameters?: { name: string; in: string }[] };

/**
 * Wildcard routes (`/api/*`) come out as `/api/{path}`; the contract names that segment `metric`
 * (it may contain `/`). Public operations get an explicit empty security list.
 */
function normalize(doc: OpenAPIObject): OpenAPIObject {
  const paths: OpenAPIObject['paths'] = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    const renamed = path.replace('{path}', '{metric}');
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      if (!op.security) op.security = [];
      if (renamed !== path) {
        op.parameters = (op.parameters ?? []).filter((p) => !(p.in === 'path' && p.name === 'path'));
        if (!op.parameters.some((p) => p.in === 'path' && p.name === 'metric')) {
          op.parameters.unshift({
            name: 'metric',
            in: 'path',
            required: true,
            description: 'Metric name, may contain `/` (e.g. `cpu/usage_rate`); GET /api/metrics lists them',
            schema: { type: 'string', example: 'cpu/usage_rate' },
          } as never);
        }
      }
    }
    paths[renamed] = item;
  }
  return { ...doc, paths };
}

/** Serves the document at `/api/docs-json` and Swagger UI at `/api/docs`. */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json', customSiteTitle: 'kube-monitoring API' });
  return document;
}
