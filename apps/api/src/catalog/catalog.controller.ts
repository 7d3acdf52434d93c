import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { MetricInfo, NamespacesResponse } from '@kube-monitoring/contract';

import { AccessScope } from '../access/access-scope';
import { RequestScope } from '../access/request-scope.decorator';
import { ApiMetricsStoreErrors } from '../common/api-responses.decorators';
import { ServiceAuth } from '../guards/service-auth.decorator';
import { UserAuth } from '../guards/user-auth.decorator';
import { MetricInfoDto, NamespacesResponseDto } from './catalog.dto';
import { CatalogService } from './catalog.service';

/**
 * `GET /api/metrics` and `GET /api/namespaces`, written once and mounted twice: for the billing client
 * (service headers) and under `/api/ui` for people (JWT; namespaces limited to their account's).
 */
@ApiTags('catalog')
export abstract class CatalogEndpoints {
  constructor(private readonly catalog: CatalogService) {}

  @Get('metrics')
  @ApiOperation({ summary: 'The metric catalog: name, description, unit, kind, main, and whether the database holds it' })
  @ApiOkResponse({ type: [MetricInfoDto] })
  @ApiMetricsStoreErrors()
  listMetrics(): Promise<MetricInfo[]> {
    return this.catalog.metrics();
  }

  @Get('namespaces')
  @ApiOperation({ summary: 'Namespaces with data that the caller may see' })
  @ApiOkResponse({ type: NamespacesResponseDto })
  @ApiMetricsStoreErrors()
  listNamespaces(@RequestScope() scope: AccessScope): Promise<NamespacesResponse> {
    return this.catalog.namespaces(scope);
  }
}

@Controller()
@ServiceAuth()
export class CatalogController extends CatalogEndpoints {}

/** The same handlers for people: JWT, limited to the namespaces of their account. */
@Controller('ui')
@UserAuth()
export class UiCatalogController extends CatalogEndpoints {}
