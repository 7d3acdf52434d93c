/** Restricted pod security, read-only root filesystems, resources, pinned images and readiness probes. */
import { containersOf, get, idOf, podSpecsOf, WORKLOAD_KINDS, type Obj } from './objects';

export function securityProblems(objects: Obj[]): string[] {
  const problems: string[] = [];
  const allowedVolumes = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
  for (const o of objects.filter((x) => WORKLOAD_KINDS.has(x['kind']))) {
    for (const pod of podSpecsOf(o)) {
      const id = idOf(o);
      for (const h of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod[h]) problems.push(`${id}: ${h} is not allowed`);
      for (const v of pod['volumes'] ?? []) {
        const type = Object.keys(v).find((key) => key !== 'name');
        if (!type || !allowedVolumes.includes(type)) problems.push(`${id}: volume ${v.name} of type ${type} is not allowed (restricted)`);
      }
      const psc = pod['securityContext'] ?? {};
      for (const c of containersOf(pod)) {
        const cid = `${id} container ${c.name}`;
        const sc = c.securityContext ?? {};
        if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) problems.push(`${cid}: runAsNonRoot must be true`);
        if ((sc.runAsUser ?? psc.runAsUser) === 0) problems.push(`${cid}: runs as uid 0`);
        if (sc.allowPrivilegeEscalation !== false) problems.push(`${cid}: allowPrivilegeEscalation must be false`);
        if (sc.privileged) problems.push(`${cid}: privileged`);
        if (sc.readOnlyRootFilesystem !== true) problems.push(`${cid}: readOnlyRootFilesystem must be true`);
        if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${cid}: capabilities must drop ALL`);
        for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') problems.push(`${cid}: adds capability ${cap}`);
        const seccomp = (sc.seccompProfile ?? psc.seccompProfile)?.type;
        if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(`${cid}: seccompProfile must be RuntimeDefault`);
        for (const r of ['requests', 'limits']) {
          for (const res of ['cpu', 'memory']) if (get(c, 'resources', r, res) === undefined) problems.push(`${cid}: no resources.${r}.${res}`);
        }
        const image = String(c.image ?? '');
        const tag = /:([^:/@]+)$/.exec(image.split('@')[0])?.[1];
        if (!image.includes('@') && (!tag || tag === 'latest')) problems.push(`${cid}: image "${image}" is not pinned to a version tag`);
        if (['Deployment', 'StatefulSet'].includes(o['kind']) && !c.readinessProbe && (pod['containers'] ?? []).includes(c)) {
          problems.push(`${cid}: no readinessProbe`);
        }
      }
    }
  }
  const ns = objects.filter((x) => x['kind'] === 'Namespace');
  for (const n of ns) {
    if (get(n, 'metadata', 'labels', 'pod-security.kubernetes.io/enforce') !== 'restricted')
      problems.push(`${idOf(n)}: not labelled pod-security.kubernetes.io/enforce=restricted`);
  }
  return problems;
}
