import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, CallToolResult, ErrorCode, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { JsonSchema, toolSchemas } from './mcp-schemas';
import { MCP_TOOLS, McpTool, pathParameters } from './mcp-tools';

/** The request headers that carry the caller's credentials, passed on to the endpoint a tool calls. */
const CREDENTIAL_HEADERS = ['x-username', 'x-password', 'authorization', 'x-api-key'] as const;

/** The server's name and version in MCP's `initialize` answer. */
const SERVER_INFO = { name: 'kube-monitoring', version: '1.0.0' };

/** Who calls: their credential headers, and whether they are a person (bearer token: the `/api/ui` mount). */
interface Caller {
  headers: Record<string, string>;
  person: boolean;
  /** The client's address, so that the endpoint (its audit entry, its login limits) sees the agent's, not loopback. */
  address: string;
}

interface ListedTool {
  tool: McpTool;
  inputSchema: JsonSchema;
  outputSchema: JsonSchema;
}

/**
 * `/api/mcp`: MCP over streamable HTTP, stateless (a server and transport per request, JSON answers).
 * A tool call is the endpoint's own request, made in-process with the caller's credentials: one
 * implementation, so a tool answers what the endpoint answers — its validation (a 400 naming the
 * field becomes a tool error naming it), namespace scope, limits and errors.
 */
@Injectable()
export class McpService {
  private readonly logger = new Logger(McpService.name);
  private tools: ListedTool[] = [];

  constructor(private readonly adapter: HttpAdapterHost) {}

  /** The tools' schemas from the endpoints' operations (called once the OpenAPI document is built). */
  useOpenApi(doc: OpenAPIObject): void {
    this.tools = MCP_TOOLS.map((tool) => ({ tool, ...toolSchemas(doc, tool) }));
  }

  async handle(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    // The SDK answers an empty batch with 202 as if it held only notifications; JSON-RPC calls it invalid.
    if (Array.isArray(req.body) && req.body.length === 0) {
      reply.code(400).send({ jsonrpc: '2.0', error: { code: ErrorCode.InvalidRequest, message: 'body: an empty batch is not a JSON-RPC message' }, id: null });
      return;
    }
    const server = this.serverFor(callerOf(req));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    // The transport writes the answer itself.
    reply.hijack();
    try {
      await transport.handleRequest(req.raw, reply.raw, req.body);
    } catch (e) {
      this.logger.error(`MCP request failed: ${(e as Error).message}`);
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(500, { 'content-type': 'application/json' });
        reply.raw.end(JSON.stringify({ jsonrpc: '2.0', error: { code: ErrorCode.InternalError, message: 'Internal error' }, id: null }));
      }
    }
  }

  private serverFor(caller: Caller): Server {
    const server = new Server(SERVER_INFO, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: this.tools.map(({ tool, inputSchema, outputSchema }) => ({
        name: tool.name,
        title: tool.title,
        description: tool.description,
        inputSchema,
        outputSchema,
        annotations: { title: tool.title, readOnlyHint: true, openWorldHint: false },
      })),
    }));
    server.setRequestHandler(CallToolRequestSchema, async (request) => this.call(request.params.name, request.params.arguments ?? {}, caller));
    return server;
  }

  private async call(name: string, args: Record<string, unknown>, caller: Caller): Promise<CallToolResult> {
    const listed = this.tools.find((t) => t.tool.name === name);
    if (!listed) throw new McpError(ErrorCode.InvalidParams, `Tool ${name} not found`);
    const { tool } = listed;
    const rest: Record<string, unknown> = { ...args };
    let path = tool.path;
    for (const p of pathParameters(tool)) {
      const value = rest[p];
      delete rest[p];
      if (typeof value !== 'string' || value === '') return toolError(`${p}: is required, a string such as "${tool.examples?.[p] ?? '…'}"`);
      // A metric name holds `/`: each segment encoded, the slashes kept (the endpoint's wildcard reads them).
      path = path.replace(`{${p}}`, value.split('/').map(encodeURIComponent).join('/'));
    }
    const query: Record<string, string> = {};
    if (tool.method === 'GET') {
      for (const [k, v] of Object.entries(rest)) {
        if (!['string', 'number', 'boolean'].includes(typeof v)) return toolError(`${k}: must be a string, a number or a boolean`);
        query[k] = String(v);
      }
    }
    const fastify = this.adapter.httpAdapter.getInstance<FastifyInstance>();
    const res = await fastify.inject({
      method: tool.method,
      url: `/api/${caller.person && tool.uiMount ? 'ui/' : ''}${path}`,
      query,
      remoteAddress: caller.address,
      headers: { ...caller.headers, accept: 'application/json', ...(tool.method === 'POST' ? { 'content-type': 'application/json' } : {}) },
      ...(tool.method === 'POST' ? { payload: JSON.stringify(rest) } : {}),
    });
    if (res.statusCode >= 400) return toolError(messageOf(res.body, res.statusCode));
    const answer = JSON.parse(res.body) as unknown;
    return {
      content: [{ type: 'text', text: res.body }],
      structuredContent: Array.isArray(answer) ? { items: answer } : (answer as Record<string, unknown>),
    };
  }
}

function callerOf(req: FastifyRequest): Caller {
  const headers: Record<string, string> = {};
  for (const name of CREDENTIAL_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return { headers, person: /^bearer\s/i.test(headers['authorization'] ?? ''), address: req.ip };
}

/** A tool's failure as MCP reports one: a result the model can read and act on. */
function toolError(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}

/** The endpoint's `{code, message}` answer as one line: `403: namespaces: …`. */
function messageOf(body: string, status: number): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return `${status}: ${parsed.message}`;
  } catch {
    // Not JSON: the status says enough.
  }
  return `${status}: the endpoint refused the call`;
}
