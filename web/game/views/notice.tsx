import type { Outcome } from '../use-command.js';

/** A command's outcome under its form, in a live region: an alert when refused. */
export function Notice({ outcome }: { outcome: Outcome | undefined }) {
  return (
    <div aria-live="polite">
      {outcome && (
        <p class={outcome.ok ? 'notice ok' : 'notice error'} role={outcome.ok ? undefined : 'alert'}>
          {outcome.text}
        </p>
      )}
    </div>
  );
}

/** A problem the view cannot get past (a refused watch, a failed read), as an alert; nothing when there is none. */
export function Alert({ text }: { text: string | undefined }) {
  return text ? (
    <p class="notice error" role="alert">
      {text}
    </p>
  ) : null;
}
