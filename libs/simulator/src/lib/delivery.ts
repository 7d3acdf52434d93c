/**
 * Whether a scrape of a pod or node reaches the database: on time, late, or never. A pure function of
 * (seed, entity, scrape index), so the sample stream and the ground truth agree on it.
 */
import { hashUnit } from './prng';

const SALT_DELIVERY = 71;

export type Delivery = 'on-time' | 'late' | 'missing';

export function deliveryOf(seed: number, entity: number, index: number, missingFraction: number, lateFraction: number): Delivery {
  if (missingFraction === 0 && lateFraction === 0) return 'on-time';
  const u = hashUnit(seed, entity, SALT_DELIVERY, index);
  if (u < missingFraction) return 'missing';
  if (u < missingFraction + lateFraction) return 'late';
  return 'on-time';
}
