import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { OpenAPIObject } from '@nestjs/swagger';

import { toolSchemas } from './mcp-schemas';
import { MCP_TOOLS } from './mcp-tools';

// The committed document (`npm run openapi` keeps it equal to what the app builds).
const doc = JSON.parse(readFileSync(join(__dirname, '../../../../docs/openapi.json'), 'utf8')) as OpenAPIObject;

describe('MCP tool schemas from the OpenAPI document', () => {
  it('should find an operation for every tool, with object input and output schemas free of $ref', () => {
    for (const tool of MCP_TOOLS) {
      const { inputSchema, outputSchema } = toolSchemas(doc, tool);
      expect({ tool: tool.name, input: inputSchema.type, output: outputSchema.type }).toEqual({ tool: tool.name, input: 'object', output: 'object' });
      expect(JSON.stringify([inputSchema, outputSchema])).not.toContain('$ref');
    }
  });

  it("should take a report's fields, enums and descriptions from its DTO", () => {
    const usage = MCP_TOOLS.find((t) => t.name === 'usage_report');
    const { inputSchema, outputSchema } = toolSchemas(doc, usage as (typeof MCP_TOOLS)[number]);
    const props = inputSchema.properties as Record<string, { enum?: string[]; description?: string }>;
    expect(props['basis']?.enum).toEqual(['usage', 'request', 'max']);
    expect(props['window']?.description).toMatch(/lastmonth/);
    const rows = (outputSchema.properties as Record<string, { items?: { properties?: Record<string, unknown> } }>)['rows'];
    expect(Object.keys(rows?.items?.properties ?? {})).toEqual(expect.arrayContaining(['namespace_name', 'node_name', 'cpu_core_hours', 'billed_gpu_hours']));
  });

  it('should make a path parameter a required argument', () => {
    const series = MCP_TOOLS.find((t) => t.name === 'metric_series');
    const { inputSchema } = toolSchemas(doc, series as (typeof MCP_TOOLS)[number]);
    expect(inputSchema.required).toContain('metric');
    expect(Object.keys(inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['metric', 'from', 'to', 'groupBy']));
  });

  it('should refuse a tool whose endpoint the document does not have', () => {
    expect(() => toolSchemas(doc, { ...(MCP_TOOLS[0] as (typeof MCP_TOOLS)[number]), path: 'nowhere' })).toThrow(/no operation POST \/api\/nowhere/);
  });
});
