import type { WatchItem } from '../../../protocol/client/index.js';
import { achievementTitle } from './achievements.js';

export interface Toast {
  id: number;
  text: string;
}

/** What the player is told as it happens: achievements unlocked, levels reached, streak milestones (from their events). */
export function toastFor(item: WatchItem): Omit<Toast, 'id'> | undefined {
  if (item.kind !== 'evt') return undefined;
  const data = item.event.data as Record<string, unknown>;
  switch (item.event.type) {
    case 'achievement.unlocked':
      return { text: `Achievement unlocked: ${achievementTitle(String(data.achievementId))} (+${Number(data.points)} points)` };
    case 'user.level.up':
      return { text: `Level up! You reached level ${Number(data.level)}` };
    case 'user.streak.milestone':
      return { text: `${Number(data.days)}-day streak!` };
    case 'nutrition.goal.met':
      return { text: 'Daily goal met!' };
    default:
      return undefined;
  }
}

/** The toasts, in a polite live region at the top of the screen. */
export function Toasts({ toasts }: { toasts: readonly Toast[] }) {
  return (
    <div class="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <p class="toast" key={toast.id}>
          {toast.text}
        </p>
      ))}
    </div>
  );
}
