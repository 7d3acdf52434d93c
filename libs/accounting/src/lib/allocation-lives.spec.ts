import { clipToLives } from './allocation-lives';
import { emptyFigures, SeriesFigures } from './figures';
import { PodFigures } from './group-rollup';

const STEP = 60_000;

function pod(name: string, f: Partial<SeriesFigures>): PodFigures {
  return { namespace: 'lab', pod: name, figures: { ...emptyFigures(), ...f } };
}

describe('clipToLives', () => {
  it('should count a request only while the pod ran, not over the whole steps of its first and last samples', () => {
    // A job that ran 4 min 30 s: 6 samples of 2000 mcores each speak for a minute, 6 min in all.
    const request = pod('job', { integral: 2000 * 6 * 60, coveredMs: 6 * STEP, samples: 6, max: 2000 });
    const uptime = pod('job', { increase: 270_000 });
    const [held] = clipToLives([request], [uptime]);
    expect(held?.figures.integral).toBeCloseTo(2000 * 270, 9);
    expect(held?.figures).toMatchObject({ coveredMs: 6 * STEP, samples: 6, max: 2000 });
  });

  it('should take the time-weighted mean request over the covered time', () => {
    // 30 min at 1000 then 30 min at 3000 mcores, the pod up the whole hour.
    const request = pod('web', { integral: 1000 * 1800 + 3000 * 1800, coveredMs: 3_600_000 });
    const [held] = clipToLives([request], [pod('web', { increase: 3_600_000 })]);
    expect(held?.figures.integral).toBeCloseTo(2000 * 3600, 6);
  });

  it('should keep the figures of pods without uptime, and of pods whose samples cover nothing', () => {
    const telegraf = pod('no-uptime', { integral: 500 * 60, coveredMs: STEP });
    const empty = pod('empty', { integral: 0, coveredMs: 0 });
    expect(clipToLives([telegraf, empty], [pod('empty', { increase: 60_000 })])).toEqual([telegraf, empty]);
  });
});
