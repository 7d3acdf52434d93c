import { METRIC_CATALOG } from '@kube-monitoring/contract';

import { ParamBag } from './influx-query';
import { heapsterSource } from './metric-source';
import { levelCondition } from './queries/query-filters';
import { rawPointsQuery } from './queries/raw-points.query';
import { detectStorageSchema, heapsterSourceFor, metricSourceFor } from './storage-schema';
import { detectTelegrafGpu, MEGABYTES_PER_MEBIBYTE, TELEGRAF_ABSENT_REASONS, telegrafSource } from './telegraf-sources';

const FROM = new Date('2024-03-20T00:00:00Z');
const TO = new Date('2024-03-20T01:00:00Z');

describe('storage schemas', () => {
  it('should detect the schema from the measurements present', () => {
    expect(detectStorageSchema(new Set(['cpu/usage_rate', 'uptime']))).toBe('heapster');
    expect(detectStorageSchema(new Set(['kubernetes_pod_container', 'kubernetes_node', 'DCGM_FI_DEV_FB_USED']))).toBe('telegraf');
    // Both (a migration): the Heapster data is what the original deployment billed from.
    expect(detectStorageSchema(new Set(['kubernetes_pod_container', 'memory/usage']))).toBe('heapster');
    expect(detectStorageSchema(new Set())).toBe('heapster');
  });

  it("should read Heapster's gpu/usage, or accelerator/memory_used in bytes when only that is stored", () => {
    expect(heapsterSourceFor('gpu/usage', new Set(['gpu/usage', 'accelerator/memory_used']))).toEqual(heapsterSource('gpu/usage'));
    expect(heapsterSourceFor('gpu/usage', new Set(['accelerator/memory_used']))).toMatchObject({ measurement: 'accelerator/memory_used', scale: 1e-6 });
  });

  it('should give every catalog metric a Telegraf source or a reason for its absence, never both', () => {
    for (const m of METRIC_CATALOG) {
      const source = telegrafSource(m.name);
      expect([m.name, source !== undefined]).toEqual([m.name, TELEGRAF_ABSENT_REASONS[m.name] === undefined]);
    }
    expect(Object.keys(TELEGRAF_ABSENT_REASONS).every((name) => METRIC_CATALOG.some((m) => m.name === name))).toBe(true);
  });

  it('should map the main metrics to the kubelet and dcgm-exporter fields, with the unit conversions', () => {
    expect(telegrafSource('cpu/usage_rate')).toMatchObject({
      measurement: 'kubernetes_pod_container',
      field: 'cpu_usage_nanocores',
      scale: 1e-6,
      tags: { namespace: 'namespace', pod: 'pod_name', container: 'container_name', node: 'node_name' },
      containerLevel: { tag: 'pod_name', value: '', op: '!=' },
      sharedMeasurement: true,
    });
    expect(telegrafSource('cpu/usage_rate')?.podLevel).toBeUndefined();
    expect(telegrafSource('memory/usage')).toMatchObject({ measurement: 'kubernetes_pod_container', field: 'memory_usage_bytes', scale: 1 });
    expect(telegrafSource('network/rx')).toMatchObject({ measurement: 'kubernetes_pod_network', field: 'rx_bytes', podLevel: { tag: 'pod_name' } });
    expect(telegrafSource('network/rx')?.containerLevel).toBeUndefined();
    expect(telegrafSource('cpu/request')).toMatchObject({ field: 'resource_requests_millicpu_units', containerLevel: { tag: 'state', value: 'terminated', op: '!=' } });
    expect(telegrafSource('gpu/usage')).toMatchObject({
      measurement: 'DCGM_FI_DEV_FB_USED',
      field: 'gauge',
      scale: MEGABYTES_PER_MEBIBYTE,
      tags: { namespace: 'namespace', pod: 'pod', container: 'container', node: 'Hostname' },
      containerLevel: { tag: 'pod', op: '!=' },
    });
    // kube_inventory's node figures: node series only, in the measurement the kubelet's node figures share.
    expect(telegrafSource('cpu/node_allocatable')).toEqual({
      metric: 'cpu/node_allocatable',
      measurement: 'kubernetes_node',
      field: 'allocatable_millicpu_cores',
      scale: 1,
      tags: { namespace: 'namespace', pod: 'pod_name', container: 'container_name', node: 'node_name' },
      nodeLevel: { tag: 'node_name', value: '', op: '!=' },
      sharedMeasurement: true,
    });
    expect(telegrafSource('memory/node_allocatable')).toMatchObject({ field: 'allocatable_memory_bytes', nodeLevel: { tag: 'node_name' } });
    expect(telegrafSource('cpu/node_capacity')).toMatchObject({ field: 'capacity_millicpu_cores' });
    expect(telegrafSource('memory/node_capacity')).toMatchObject({ field: 'capacity_memory_bytes' });
    expect(telegrafSource('cpu/node_utilization')).toBeUndefined();
    expect(metricSourceFor('telegraf', 'uptime', { measurements: new Set(), gpu: { kind: 'dcgm', hostTag: 'Hostname' } })).toBeUndefined();
  });

  it("should follow dcgm-exporter's host label, and fall back to nvidia-smi (per node only)", () => {
    expect(detectTelegrafGpu(new Set(['DCGM_FI_DEV_FB_USED']), new Set(['hostname', 'pod']))).toEqual({ kind: 'dcgm', hostTag: 'hostname' });
    expect(detectTelegrafGpu(new Set(['DCGM_FI_DEV_FB_USED']), new Set(['Hostname', 'hostname']))).toEqual({ kind: 'dcgm', hostTag: 'Hostname' });
    expect(detectTelegrafGpu(new Set(['nvidia_smi']), new Set())).toEqual({ kind: 'nvidia_smi' });
    const smi = telegrafSource('gpu/usage', { kind: 'nvidia_smi' });
    expect(smi).toMatchObject({ measurement: 'nvidia_smi', field: 'memory_used', nodeLevel: { tag: 'host' } });
    expect(smi?.podLevel ?? smi?.containerLevel).toBeUndefined();
  });

  it('should select a level by tag value or by the presence of a tag, the value always bound', () => {
    const bag = new ParamBag();
    expect(levelCondition(bag, { tag: 'type', value: 'pod' })).toBe('"type" = $level');
    expect(levelCondition(bag, { tag: 'pod', value: '', op: '!=' })).toBe('"pod" != $level_1');
    expect(bag.toQuery('').params).toEqual({ level: 'pod', level_1: '' });
  });

  it('should read raw points of a shared measurement by their field and tags only; Heapster as before', () => {
    const request = telegrafSource('cpu/request');
    if (!request) throw new Error('cpu/request has a Telegraf source');
    const telegraf = rawPointsQuery(request, { only: ['lab'] }, FROM, TO, 10);
    expect(telegraf.text).toBe(
      'SELECT "resource_requests_millicpu_units", *::tag FROM "kubernetes_pod_container" WHERE "state" != $level AND ("namespace" = $ns) AND time >= $from AND time < $to ORDER BY time DESC LIMIT $limit',
    );
    expect(telegraf.params).toMatchObject({ level: 'terminated', ns: 'lab', limit: 10 });
    expect(rawPointsQuery(heapsterSource('cpu/usage_rate'), { only: ['lab'] }, FROM, TO, 10).text).toBe(
      'SELECT * FROM "cpu/usage_rate" WHERE ("namespace_name" = $ns) AND time >= $from AND time < $to ORDER BY time DESC LIMIT $limit',
    );
  });
});
