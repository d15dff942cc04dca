import type { ComponentChildren } from 'preact';

/**
 * A titled panel: a region landmark named by its heading, with an optional mark before the title
 * (a class of the page's CSS) and actions beside it.
 *
 * @example
 * <Card id="water" title="Water" mark="water" actions={<button>Refresh</button>}>…</Card>
 */
export function Card(props: { id: string; title: ComponentChildren; mark?: string; class?: string; actions?: ComponentChildren; children: ComponentChildren }) {
  return (
    <section class={props.class ? `card ${props.class}` : 'card'} aria-labelledby={`${props.id}-heading`}>
      <div class="card-head">
        <h2 id={`${props.id}-heading`}>
          {props.mark && <span class={`mark ${props.mark}`} aria-hidden="true" />}
          {props.title}
        </h2>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}
