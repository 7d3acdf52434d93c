/**
 * Every reference resolves inside the build: ConfigMaps, Secrets and their keys, volumes, Services and
 * their ports, Ingress backends, NetworkPolicy selectors, RBAC roles and subjects.
 */
import { CLUSTER_SCOPED, containersOf, idOf, podSpecsOf, selectorMatches, WORKLOAD_KINDS, type Obj } from './objects';

export function referenceProblems(objects: Obj[], allowMissing: Set<string>): string[] {
  const problems: string[] = [];
  const find = (kind: string, name: string | undefined) => objects.find((o) => o['kind'] === kind && o['metadata']?.name === name);
  const workloads = objects.filter((o) => WORKLOAD_KINDS.has(o['kind']));
  const templateLabels = (w: Obj) => (w['kind'] === 'Pod' ? w['metadata']?.labels : w['spec']?.template?.metadata?.labels) ?? {};
  const namespaces = new Set(objects.filter((o) => !CLUSTER_SCOPED.has(o['kind'])).map((o) => o['metadata']?.namespace));
  if (namespaces.size > 1) problems.push(`objects are spread over namespaces ${[...namespaces].join(', ')}`);
  for (const n of namespaces) {
    if (n && !find('Namespace', n)) problems.push(`namespace ${n} is used but no Namespace object is part of the build`);
  }

  const checkRef = (id: string, kind: 'ConfigMap' | 'Secret', name: string, key: string | undefined, optional: boolean) => {
    const o = find(kind, name);
    if (!o) {
      if (!optional && !allowMissing.has(`${kind}/${name}`)) problems.push(`${id}: ${kind} ${name} does not exist`);
      return;
    }
    if (key !== undefined && !optional) {
      const keys = new Set([...Object.keys(o['data'] ?? {}), ...Object.keys(o['binaryData'] ?? {}), ...Object.keys(o['stringData'] ?? {})]);
      if (!keys.has(key)) problems.push(`${id}: ${kind} ${name} has no key ${key}`);
    }
  };

  for (const w of workloads) {
    const id = idOf(w);
    if (w['kind'] !== 'Pod' && !selectorMatches(w['spec']?.selector, templateLabels(w))) problems.push(`${id}: selector does not match its pod template labels`);
    for (const pod of podSpecsOf(w)) {
      const sa = pod['serviceAccountName'];
      if (sa && sa !== 'default' && !find('ServiceAccount', sa)) problems.push(`${id}: ServiceAccount ${sa} does not exist`);
      const volumes = new Set([...(pod['volumes'] ?? []).map((v: Obj) => v.name), ...(w['spec']?.volumeClaimTemplates ?? []).map((v: Obj) => v.metadata?.name)]);
      for (const v of pod['volumes'] ?? []) {
        if (v.configMap) checkRef(`${id} volume ${v.name}`, 'ConfigMap', v.configMap.name, undefined, v.configMap.optional);
        if (v.secret) checkRef(`${id} volume ${v.name}`, 'Secret', v.secret.secretName, undefined, v.secret.optional);
        for (const it of [...(v.configMap?.items ?? [])]) checkRef(`${id} volume ${v.name}`, 'ConfigMap', v.configMap.name, it.key, v.configMap.optional);
      }
      for (const c of containersOf(pod)) {
        const cid = `${id} container ${c.name}`;
        for (const m of c.volumeMounts ?? []) if (!volumes.has(m.name)) problems.push(`${cid}: volumeMount ${m.name} has no volume`);
        for (const e of c.env ?? []) {
          const cm = e.valueFrom?.configMapKeyRef;
          const sk = e.valueFrom?.secretKeyRef;
          if (cm) checkRef(`${cid} env ${e.name}`, 'ConfigMap', cm.name, cm.key, cm.optional);
          if (sk) checkRef(`${cid} env ${e.name}`, 'Secret', sk.name, sk.key, sk.optional);
        }
        for (const e of c.envFrom ?? []) {
          if (e.configMapRef) checkRef(`${cid} envFrom`, 'ConfigMap', e.configMapRef.name, undefined, e.configMapRef.optional);
          if (e.secretRef) checkRef(`${cid} envFrom`, 'Secret', e.secretRef.name, undefined, e.secretRef.optional);
        }
      }
    }
    if (w['kind'] === 'StatefulSet' && !find('Service', w['spec']?.serviceName)) problems.push(`${id}: serviceName ${w['spec']?.serviceName} is not a Service`);
  }

  const containerPorts = (w: Obj) => podSpecsOf(w).flatMap((p) => (p['containers'] ?? []).flatMap((c: Obj) => c.ports ?? []));
  for (const s of objects.filter((o) => o['kind'] === 'Service')) {
    const sel = s['spec']?.selector;
    if (!sel) continue;
    const targets = workloads.filter((w) => selectorMatches({ matchLabels: sel }, templateLabels(w)));
    if (targets.length === 0) {
      problems.push(`${idOf(s)}: selector matches no workload`);
      continue;
    }
    for (const p of s['spec']?.ports ?? []) {
      const tp = p.targetPort ?? p.port;
      const ok = targets.every((w) => containerPorts(w).some((cp: Obj) => (typeof tp === 'string' ? cp.name === tp : cp.containerPort === tp)));
      if (!ok) problems.push(`${idOf(s)}: targetPort ${tp} is not a container port of ${targets.map(idOf).join(', ')}`);
    }
  }

  for (const ing of objects.filter((o) => o['kind'] === 'Ingress')) {
    for (const rule of ing['spec']?.rules ?? []) {
      for (const path of rule.http?.paths ?? []) {
        const svc = find('Service', path.backend?.service?.name);
        const port = path.backend?.service?.port;
        if (!svc) problems.push(`${idOf(ing)}: backend Service ${path.backend?.service?.name} does not exist`);
        else if (!(svc['spec']?.ports ?? []).some((p: Obj) => (port?.name ? p.name === port.name : p.port === port?.number))) {
          problems.push(`${idOf(ing)}: Service ${svc['metadata'].name} has no port ${JSON.stringify(port)}`);
        }
      }
    }
  }

  for (const np of objects.filter((o) => o['kind'] === 'NetworkPolicy')) {
    if (!workloads.some((w) => selectorMatches(np['spec']?.podSelector, templateLabels(w)))) problems.push(`${idOf(np)}: podSelector matches no workload`);
    for (const rule of np['spec']?.ingress ?? []) {
      for (const from of rule.from ?? []) {
        if (from.podSelector && !from.namespaceSelector && !workloads.some((w) => selectorMatches(from.podSelector, templateLabels(w)))) {
          problems.push(`${idOf(np)}: ingress from ${JSON.stringify(from.podSelector)} matches no workload`);
        }
      }
    }
  }

  for (const b of objects.filter((o) => o['kind'] === 'ClusterRoleBinding' || o['kind'] === 'RoleBinding')) {
    const ref = b['roleRef'];
    if (!find(ref?.kind, ref?.name)) problems.push(`${idOf(b)}: roleRef ${ref?.kind} ${ref?.name} is not part of the build`);
    for (const s of b['subjects'] ?? []) {
      if (s.kind === 'ServiceAccount' && !objects.some((o) => o['kind'] === 'ServiceAccount' && o['metadata']?.name === s.name && o['metadata']?.namespace === s.namespace)) {
        problems.push(`${idOf(b)}: subject ServiceAccount ${s.namespace}/${s.name} does not exist`);
      }
    }
  }
  return problems;
}
