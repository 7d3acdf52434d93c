import { canonicalLabels, labelsText, mergePodLabels, PodLabelObservation } from './pod-labels';

const at = (minute: number) => Date.UTC(2026, 9, 1) + minute * 60_000;

describe('labelsText', () => {
  it('should give one text per label set, keys sorted whatever their order or kind', () => {
    expect(labelsText({ team: 'vision', app: 'web' })).toBe('{"app":"web","team":"vision"}');
    expect(labelsText({ app: 'web', team: 'vision' })).toBe(labelsText({ team: 'vision', app: 'web' }));
    // A plain object puts integer-like keys first; the text keeps the one name order.
    expect(labelsText({ b: '1', '10': 'x', '9': 'y', a: '' })).toBe('{"10":"x","9":"y","a":"","b":"1"}');
    expect(JSON.parse(labelsText({ 'app.kubernetes.io/name': 'say "hi"' }))).toEqual({ 'app.kubernetes.io/name': 'say "hi"' });
  });

  it('should keep an empty value and a `__proto__` key, and leave out an empty key', () => {
    const labels = canonicalLabels(JSON.parse('{"__proto__":"p","":"none","tier":""}'));
    expect(Object.keys(labels)).toEqual(['__proto__', 'tier']);
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
    expect(labelsText(labels)).toBe('{"__proto__":"p","tier":""}');
  });
});

describe('mergePodLabels', () => {
  const seen = (pod: string, minute: number, labels: Record<string, string>, namespace = 'lab'): PodLabelObservation => ({ namespace, pod, labels, atMs: at(minute) });

  it('should give each pod the labels of its latest observation, whole, in any read order', () => {
    const observations = [
      seen('train', 10, { team: 'vision', app: 'trainer', tier: 'gpu' }),
      seen('train', 70, { team: 'nlp', app: 'trainer' }),
      seen('train', 30, { team: 'vision', app: 'trainer', tier: 'gpu' }),
    ];
    for (const order of [observations, [...observations].reverse()]) {
      const merged = mergePodLabels(order);
      // Relabelled at minute 70: the newer set, without the label it no longer has.
      expect(merged.get('lab\u0000train')).toEqual({ namespace: 'lab', pod: 'train', labels: { app: 'trainer', team: 'nlp' }, atMs: at(70) });
    }
  });

  it('should keep pods of the same name in two namespaces apart, keyed by podId', () => {
    const merged = mergePodLabels([seen('web', 5, { team: 'a' }, 'alpha'), seen('web', 5, { team: 'b' }, 'beta')]);
    expect([...merged.keys()].sort()).toEqual(['alpha\u0000web', 'beta\u0000web']);
    expect(merged.get('beta\u0000web')?.labels).toEqual({ team: 'b' });
  });

  it('should settle two sets seen at the same instant by their text, whatever the order', () => {
    const a = seen('db', 20, { team: 'alpha' });
    const b = seen('db', 20, { team: 'beta' });
    expect(mergePodLabels([a, b]).get('lab\u0000db')?.labels).toEqual({ team: 'beta' });
    expect(mergePodLabels([b, a]).get('lab\u0000db')?.labels).toEqual({ team: 'beta' });
  });

  it('should count no empty set: a pod seen without labels only is absent, one stripped of them keeps its last', () => {
    const merged = mergePodLabels([seen('bare', 50, {}), seen('stripped', 10, { team: 'web' }), seen('stripped', 50, {}), seen('undated', Number.NaN, { team: 'x' })]);
    expect(merged.has('lab\u0000bare')).toBe(false);
    expect(merged.has('lab\u0000undated')).toBe(false);
    expect(merged.get('lab\u0000stripped')?.labels).toEqual({ team: 'web' });
  });
});
