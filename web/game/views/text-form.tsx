/**
 * A form of one text box with the server's limit on it (how much is used shows under the box, read
 * with it through aria-describedby) and its submit button.
 *
 * @example
 * <TextForm id="post-text" label="Share with your friends" limit={500} value={text} onChange={setText} submit="Post" busy={busy} onSubmit={share} />
 */
export function TextForm(props: { id: string; label: string; limit: number; value: string; onChange(value: string): void; submit: string; busy: boolean; onSubmit(event: Event): void }) {
  const { id, limit, value } = props;
  return (
    <form onSubmit={props.onSubmit}>
      <div class="field">
        <label for={id}>{props.label}</label>
        <textarea
          id={id}
          rows={2}
          required
          maxLength={limit}
          aria-describedby={`${id}-limit`}
          value={value}
          onInput={(event) => props.onChange((event.currentTarget as HTMLTextAreaElement).value)}
        />
        <p id={`${id}-limit`} class="muted small">
          {value.length}/{limit} characters
        </p>
      </div>
      <button type="submit" disabled={props.busy}>
        {props.submit}
      </button>
    </form>
  );
}
