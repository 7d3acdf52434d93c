import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

import { SERVICE_PASSWORD_SCHEME, SERVICE_USERNAME_SCHEME } from '../decorators/service-auth.decorator';

/** Name of the bearer scheme used by the `/api/ui` mount and the user endpoints. */
export const JWT_SCHEME = 'jwt';

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
        'Two ways in: the billing system sends `X-USERNAME` and `X-PASSWORD` headers on `/api/...`; ' +
        'people log in at `/api/auth/login` and send `Authorization: Bearer <token>` on `/api/ui/...` ' +
        '(the same endpoints, limited to the namespaces of their account).\n\n' +
        'Errors are always `{"code": <status>, "message": "..."}`. Periods are `from` inclusive, `to` exclusive, UTC.',
    )
    .setVersion('1.0.0')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-USERNAME', description: 'Service user (env API_USERNAME)' }, SERVICE_USERNAME_SCHEME)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-PASSWORD', description: 'Service password (env API_PASSWORD)' }, SERVICE_PASSWORD_SCHEME)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Token from POST /api/auth/login' }, JWT_SCHEME)
    .build();
  return SwaggerModule.createDocument(app, config, { operationIdFactory: operationId });
}

/** Serves the document at `/api/docs-json` and Swagger UI at `/api/docs`. */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json', customSiteTitle: 'kube-monitoring API' });
  return document;
}
