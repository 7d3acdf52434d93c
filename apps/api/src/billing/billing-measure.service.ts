import { Injectable } from '@nestjs/common';

import { podId } from '@kube-monitoring/accounting';
import { basesIn, BillingTerms, Interval, IntervalUsage, labelsMatter, ResourceFigures } from '@kube-monitoring/billing';
import type { UsageReportRow } from '@kube-monitoring/contract';

import { AccessScope, SERVICE_SCOPE } from '../access/access-scope';
import { PodLabelsService } from '../usage/pod-labels.service';
import { UsageReportService } from '../usage/usage-report.service';
import { UsageReportRequestDto } from '../usage/usage.dto';

/**
 * What a period's intervals used and held, per namespace (and per pod where a label assignment is
 * in force), through the usage report itself: the ledger's rolled hours and the samples for the
 * rest, every namespace kube-system included (unassigned usage is billed to `__unassigned__`, never dropped).
 */
@Injectable()
export class BillingMeasureService {
  constructor(
    private readonly usage: UsageReportService,
    private readonly labels: PodLabelsService,
  ) {}

  /**
   * `scope`: whose request it is. Its heavy-request quota pays for the reports, and a caller limited
   * to some namespaces has those measured only (the lines it may see come out the same).
   */
  async measure(terms: BillingTerms, intervals: readonly Interval[], now: Date, scope: AccessScope = SERVICE_SCOPE): Promise<IntervalUsage[]> {
    const out: IntervalUsage[] = [];
    // One interval at a time: each is one heavy request of the report's own limiter.
    for (const interval of intervals) {
      const endMs = Math.min(interval.toMs, now.getTime());
      if (endMs <= interval.fromMs) {
        out.push({ ...interval, namespaces: new Map() });
        continue;
      }
      // Under `max`, billed figures are max(request, usage) per sample: one report gives all three bases.
      const basis = basesIn(terms, interval.fromMs).has('max') ? 'max' : 'usage';
      const ask = (groupBy: 'namespace' | 'pod') =>
        this.usage.report(Object.assign(new UsageReportRequestDto(), { from: new Date(interval.fromMs), to: new Date(endMs), groupBy, includeSystem: true, basis }), scope, now);
      const byNamespace = await ask('namespace');
      const namespaces = new Map(
        byNamespace.rows.map((r) => [
          r.namespace_name as string,
          { coverage: r.coverage * ((endMs - interval.fromMs) / (interval.toMs - interval.fromMs)), figures: figuresOf(r, basis) },
        ]),
      );
      if (!labelsMatter(terms, interval)) {
        out.push({ ...interval, namespaces });
        continue;
      }
      const [byPod, labels] = await Promise.all([ask('pod'), this.labels.podLabels({ from: new Date(interval.fromMs), to: new Date(endMs) }, {})]);
      const pods = byPod.rows.map((r) => {
        const namespace = r.namespace_name as string;
        return { namespace, labels: labels.get(podId({ namespace, pod: r.pod_name as string })) ?? {}, figures: figuresOf(r, basis) };
      });
      out.push({ ...interval, namespaces, pods });
    }
    return out;
  }
}

function figuresOf(r: UsageReportRow, basis: 'usage' | 'max'): ResourceFigures {
  return {
    cpu: { usage: r.cpu_core_hours, request: r.cpu_request_core_hours, max: basis === 'max' ? r.billed_cpu_core_hours : Math.max(r.cpu_core_hours, r.cpu_request_core_hours) },
    memory: {
      usage: r.memory_gib_hours,
      request: r.memory_request_gib_hours,
      max: basis === 'max' ? r.billed_memory_gib_hours : Math.max(r.memory_gib_hours, r.memory_request_gib_hours),
    },
    gpu: r.gpu_hours,
    gpu_memory: r.gpu_memory_gb_hours,
  };
}
