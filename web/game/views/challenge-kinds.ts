/** The challenge kinds (docs/GAME.md, "Challenges") as the page names them and their scores. */
export const challengeKinds = {
  points: { label: 'Most points', unit: 'points' },
  'meals-logged': { label: 'Most meals logged', unit: 'meals' },
  'water-ml': { label: 'Most water', unit: 'ml' },
  'goal-days': { label: 'Most goal days', unit: 'days' },
} as const;

export type ChallengeKind = keyof typeof challengeKinds;

export const kindLabel = (kind: string) => challengeKinds[kind as ChallengeKind]?.label ?? kind;
export const scoreUnit = (kind: string) => challengeKinds[kind as ChallengeKind]?.unit ?? '';

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "in 3 days", "5 minutes ago": a time against now, in the largest unit that fits. */
export function fromNow(at: number, now = Date.now()): string {
  const seconds = (at - now) / 1000;
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  return relative.format(Math.round(seconds), 'second');
}
