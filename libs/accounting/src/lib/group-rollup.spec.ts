import { addConcurrentFigures, addDisjointFigures, emptyFigures, roundFigure, SeriesFigures } from './figures';
import { rollupNamespaces, rollupTotal } from './group-rollup';
import { comparePods } from './pod-key';

const HOUR = 3_600_000;

function fig(integral: number, coveredMs: number, max: number, samples = 60): SeriesFigures {
  return { ...emptyFigures(), integral, coveredMs, max, samples, sum: samples * max };
}

describe('figure sums', () => {
  it('should take the longer coverage of series side by side, and add the coverage of disjoint parts', () => {
    const a = fig(10, HOUR, 5);
    const b = fig(20, 2 * HOUR, 3);
    expect(addConcurrentFigures(a, b)).toEqual({ integral: 30, increase: 0, coveredMs: 2 * HOUR, samples: 120, sum: 480, max: 5 });
    expect(addDisjointFigures(a, b)).toEqual({ integral: 30, increase: 0, coveredMs: 3 * HOUR, samples: 120, sum: 480, max: 5 });
  });

  it('should round to six decimals and give 0 for what is not a number', () => {
    expect(roundFigure(1.23456789)).toBe(1.234568);
    expect(roundFigure(-Infinity)).toBe(0);
    expect(roundFigure(Number.NaN)).toBe(0);
  });

  it('should order pods by namespace, then name, by code unit', () => {
    const pods = [
      { namespace: 'lab-b', pod: 'x' },
      { namespace: 'lab', pod: 'web-2' },
      { namespace: 'lab', pod: 'web-10' },
      { namespace: 'lab-a', pod: 'a.b' },
    ];
    expect([...pods].sort(comparePods).map((p) => `${p.namespace}/${p.pod}`)).toEqual(['lab/web-10', 'lab/web-2', 'lab-a/a.b', 'lab-b/x']);
  });
});

describe(rollupNamespaces.name, () => {
  const pods = [
    { namespace: 'lab', pod: 'a', figures: fig(100, 2 * HOUR, 7) },
    { namespace: 'lab', pod: 'b', figures: fig(50, HOUR, 4) },
    { namespace: 'team', pod: 'c', figures: fig(30, HOUR, 2) },
  ];

  it('should sum the pods, with the coverage and peak of the namespace total', () => {
    const [lab, team] = rollupNamespaces(pods, new Map([['lab', fig(0, 3 * HOUR, 9)]]));
    expect(lab).toEqual({ namespace: 'lab', pods: 2, figures: { integral: 150, increase: 0, coveredMs: 3 * HOUR, samples: 120, sum: 660, max: 9 } });
    // No total for team: its pods' coverage and peak bound it.
    expect(team).toMatchObject({ namespace: 'team', pods: 1, figures: { integral: 30, coveredMs: HOUR, max: 2 } });
  });

  it('should keep the pods’ peak when the total has no sample inside the period, and list a namespace known from its total only', () => {
    const rows = rollupNamespaces(
      pods,
      new Map([
        ['lab', fig(0, HOUR, -Infinity, 0)],
        ['other', fig(0, HOUR, 3)],
      ]),
    );
    expect(rows.map((r) => [r.namespace, r.pods, r.figures.max, r.figures.coveredMs])).toEqual([
      ['lab', 2, 7, HOUR],
      ['other', 0, 3, HOUR],
      ['team', 1, 2, HOUR],
    ]);
  });

  it('should total every pod with the coverage and peak of the overall total', () => {
    expect(rollupTotal(pods, fig(0, 4 * HOUR, 11))).toMatchObject({ integral: 180, coveredMs: 4 * HOUR, max: 11 });
    expect(rollupTotal([], emptyFigures())).toEqual(emptyFigures());
  });
});
