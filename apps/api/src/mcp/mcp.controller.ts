import { Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';

import { ServiceOrUserAuth } from '../guards/service-or-user-auth.decorator';
import { McpService } from './mcp.service';

/** JSON-RPC's answer when a method is not served here: MCP clients read a 405 on GET as "no stream offered". */
const NOT_SERVED = { jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this MCP server is stateless, POST only' }, id: null };

/** The shape of JSON-RPC's error answers. */
const JSON_RPC_ERROR = {
  type: 'object',
  properties: {
    jsonrpc: { type: 'string', example: '2.0' },
    error: { type: 'object', properties: { code: { type: 'integer', example: -32000 }, message: { type: 'string' } } },
    id: { type: 'integer', nullable: true, description: 'null: the request could not be read' },
  },
} as const;

@ApiTags('mcp')
@Controller('mcp')
@ServiceOrUserAuth()
export class McpController {
  constructor(private readonly mcp: McpService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Model Context Protocol (streamable HTTP) for AI agents: read-only tools over the same endpoints, credentials and scope',
    description:
      'JSON-RPC 2.0 messages of MCP (`initialize`, `tools/list`, `tools/call`); send `Accept: application/json, text/event-stream`. ' +
      'Tools: `usage_report`, `list_namespaces`, `metric_series`, `list_metrics`, `ledger_status`, each answering what its endpoint answers ' +
      'for the same caller (a person sees their namespaces only). See README "AI agents".',
  })
  @ApiBody({
    schema: { type: 'object', description: 'A JSON-RPC 2.0 request or notification' },
    examples: { list: { summary: 'The tools', value: { jsonrpc: '2.0', id: 1, method: 'tools/list' } } },
  })
  @ApiOkResponse({ description: 'The JSON-RPC answer (`application/json`); a tool that fails answers a result with `isError: true`.', schema: { type: 'object' } })
  @ApiResponse({ status: 202, description: 'The body held only notifications or responses: accepted, no answer to send.' })
  @ApiResponse({ status: 400, description: 'Not a JSON-RPC message (an empty batch included), or an unsupported protocol version: a JSON-RPC error.', schema: JSON_RPC_ERROR })
  @ApiResponse({ status: 406, description: '`Accept` lacks `application/json` or `text/event-stream`: a JSON-RPC error.', schema: JSON_RPC_ERROR })
  @ApiResponse({ status: 415, description: 'A body that is not `application/json`: a JSON-RPC error.', schema: JSON_RPC_ERROR })
  async post(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.mcp.handle(req, reply);
  }

  @Get()
  @ApiOperation({ summary: 'Not served: no server-sent event stream (405)' })
  @ApiResponse({ status: 405, description: 'Always: a JSON-RPC error.', schema: JSON_RPC_ERROR })
  notStreamed(@Res() reply: FastifyReply): void {
    reply.code(405).header('allow', 'POST').send(NOT_SERVED);
  }

  @Delete()
  @ApiOperation({ summary: 'Not served: no sessions to end (405)' })
  @ApiResponse({ status: 405, description: 'Always: a JSON-RPC error.', schema: JSON_RPC_ERROR })
  noSession(@Res() reply: FastifyReply): void {
    reply.code(405).header('allow', 'POST').send(NOT_SERVED);
  }
}
