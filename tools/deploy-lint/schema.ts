/**
 * Every rendered object against the Kubernetes OpenAPI schema (kubernetes-models' validators), and
 * unknown fields, which the schema lets through, by type-checking the objects as object literals
 * typed with kubernetes-types (TypeScript's excess-property check).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import ts from 'typescript';

import { idOf, type Obj } from './objects';
import { ROOT } from './workspace';

export function schemaProblems(objects: Obj[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    const modulePath = `kubernetes-models/${o['apiVersion']}/${o['kind']}`;
    let Model: { new (data: Obj): { validate(): void } };
    try {
      Model = require(modulePath)[o['kind']];
    } catch {
      problems.push(`${idOf(o)}: no schema for ${o['apiVersion']} ${o['kind']} (unknown apiVersion/kind?)`);
      continue;
    }
    try {
      new Model(structuredClone(o)).validate();
    } catch (error) {
      const errs = (error as { errors?: { instancePath: string; message?: string; params?: unknown }[] }).errors;
      if (!errs) throw error;
      for (const e of errs) problems.push(`${idOf(o)}: ${e.instancePath || '/'} ${e.message} ${e.params ? JSON.stringify(e.params) : ''}`);
    }
  }
  return problems;
}

/** Unknown fields: the objects, as object literals typed with kubernetes-types, through tsc. */
export function strictFieldProblems(objects: Obj[], work: string): string[] {
  const typesRoot = join(ROOT, 'node_modules/kubernetes-types');
  const problems: string[] = [];
  const imports: string[] = [];
  const bodies: { id: string; body: string[] }[] = [];
  objects.forEach((o, i) => {
    const [group, version] = String(o['apiVersion']).includes('/') ? String(o['apiVersion']).split('/') : ['core', o['apiVersion']];
    const mod = join(typesRoot, group.split('.')[0], version);
    if (!existsSync(`${mod}.d.ts`)) {
      problems.push(`${idOf(o)}: kubernetes-types has no ${group}/${version}`);
      return;
    }
    imports.push(`import type { ${o['kind']} as T${i} } from ${JSON.stringify(mod)};`);
    bodies.push({ id: idOf(o), body: `export const o${i}: T${i} = ${JSON.stringify(o, null, 2)};`.split('\n') });
  });
  const lines = [...imports];
  const spans: { id: string; from: number; to: number }[] = [];
  for (const b of bodies) {
    spans.push({ id: b.id, from: lines.length, to: lines.length + b.body.length });
    lines.push(...b.body);
  }
  const file = join(work, 'k8s-objects.ts');
  writeFileSync(file, lines.join('\n'));
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: [],
  });
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (!d.file || d.start === undefined) {
      problems.push(message);
      continue;
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const span = spans.find((s) => line >= s.from && line < s.to);
    const text = d.file.text.split('\n')[line]?.trim() ?? '';
    problems.push(`${span?.id ?? 'header'}: ${message} (at ${text.slice(0, 80)})`);
  }
  return problems;
}
