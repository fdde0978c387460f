import type { ComponentChildren } from 'preact';
import { ApiError } from './api';

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status}`}>{status}</span>;
}

export function ErrorNotice({ error }: { error: Error | null | undefined }) {
  if (!error) return null;
  const body = error instanceof ApiError ? error.body : null;
  return (
    <div class="error" role="alert">
      <strong>{body?.code ?? 'Error'}</strong>: {error.message}
      {body?.details && <div>{body.details}</div>}
    </div>
  );
}

/** A labelled form field with the API's messages for it beside the input. */
export function Field(props: { id: string; label: string; messages?: string[]; hint?: string; children: ComponentChildren }) {
  const messages = props.messages ?? [];
  return (
    <div class={`field${messages.length ? ' invalid' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && <div class="hint" id={`${props.id}-hint`}>{props.hint}</div>}
      {messages.length > 0 && (
        <div class="field-error" id={`${props.id}-error`} role="alert">
          {messages.join('; ')}
        </div>
      )}
    </div>
  );
}
