import type { OpenAPIObject } from '@nestjs/swagger';

import { McpTool, pathParameters } from './mcp-tools';

/** A JSON Schema object, as MCP's `inputSchema` and `outputSchema` carry it. */
export type JsonSchema = { type: 'object'; properties?: Record<string, unknown>; required?: string[]; [key: string]: unknown };

type Operation = {
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};

/** A tool's input and output schemas, from its endpoint's operation in the OpenAPI document (the DTOs' own). */
export function toolSchemas(doc: OpenAPIObject, tool: McpTool): { inputSchema: JsonSchema; outputSchema: JsonSchema } {
  const operation = (doc.paths[`/api/${tool.path}`] as Record<string, Operation> | undefined)?.[tool.method.toLowerCase()];
  if (!operation) throw new Error(`MCP tool ${tool.name}: no operation ${tool.method} /api/${tool.path} in the OpenAPI document`);
  const resolve = (schema: unknown) => inlineRefs(schema, doc, new Set());
  const body = operation.requestBody?.content?.['application/json']?.schema;
  const input: JsonSchema = body ? (asObjectSchema(resolve(body)) ?? { type: 'object' }) : { type: 'object', properties: {} };
  const properties: Record<string, unknown> = { ...(input.properties ?? {}) };
  const required = new Set(input.required ?? []);
  for (const p of operation.parameters ?? []) {
    if (p.in !== 'path' && p.in !== 'query') continue;
    properties[p.name] = { ...(resolve(p.schema) as object), ...(p.description ? { description: p.description } : {}) };
    if (p.in === 'path' || p.required) required.add(p.name);
  }
  for (const name of pathParameters(tool)) required.add(name);
  const inputSchema: JsonSchema = { ...input, type: 'object', properties, ...(required.size > 0 ? { required: [...required] } : {}) };
  const answer = resolve(operation.responses?.['200']?.content?.['application/json']?.schema ?? {});
  // MCP's structured content is an object: a list answer comes as `{"items": [...]}`.
  const outputSchema = asObjectSchema(answer) ?? { type: 'object', properties: { items: answer }, required: ['items'] };
  return { inputSchema, outputSchema };
}

/** The schema when it describes an object, else undefined. */
function asObjectSchema(schema: unknown): JsonSchema | undefined {
  const s = schema as { type?: unknown; properties?: unknown; allOf?: unknown };
  if (s && (s.type === 'object' || (s.type === undefined && typeof s.properties === 'object'))) return { ...(s as object), type: 'object' } as JsonSchema;
  return undefined;
}

/** The schema with every `$ref` to `#/components/schemas/…` replaced by the schema itself (a cycle stays a `$ref`-free empty schema). */
function inlineRefs(schema: unknown, doc: OpenAPIObject, seen: Set<string>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inlineRefs(s, doc, seen));
  if (schema === null || typeof schema !== 'object') return schema;
  const ref = (schema as { $ref?: unknown }).$ref;
  if (typeof ref === 'string') {
    const name = ref.replace('#/components/schemas/', '');
    const target = doc.components?.schemas?.[name];
    if (!target || seen.has(name)) return {};
    return inlineRefs(target, doc, new Set([...seen, name]));
  }
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, inlineRefs(v, doc, seen)]));
}
