import { Module } from '@nestjs/common';

import { AuthModule } from '../auth/auth.module';
import { ApiCredentialsGuard } from '../guards/api-credentials.guard';
import { JwtAuthGuard } from '../guards/jwt-auth.guard';
import { ServiceOrAdminGuard } from '../guards/service-or-admin.guard';
import { McpController } from './mcp.controller';
import { McpService } from './mcp.service';

/** The MCP server for AI agents at `/api/mcp`. */
@Module({
  imports: [AuthModule],
  controllers: [McpController],
  providers: [McpService, ApiCredentialsGuard, JwtAuthGuard, ServiceOrAdminGuard],
  exports: [McpService],
})
export class McpModule {}
