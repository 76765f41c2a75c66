import { css } from 'lit';

/** Form controls and buttons shared by Parley's components. */
export const controls = css`
  button {
    font: inherit; border: 0; border-radius: 8px; padding: 0.5rem 0.9rem; cursor: pointer;
    background: var(--accent); color: var(--accent-text);
  }
  button.secondary { background: transparent; color: var(--accent); border: 1px solid var(--border); }
  button:disabled { opacity: 0.5; cursor: default; }
  input, textarea, select {
    font: inherit; color: inherit; background: var(--bg); border: 1px solid var(--border);
    border-radius: 8px; padding: 0.5rem 0.7rem; min-width: 0;
  }
  input:focus-visible, textarea:focus-visible, select:focus-visible, button:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
  label { font-size: 0.9rem; color: var(--muted); }
  .error { color: var(--danger); font-size: 0.9rem; margin: 0.25rem 0; }
  .hint { color: var(--muted); font-size: 0.85rem; margin: 0.25rem 0; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

/** A modal dialog's frame, backdrop and title; a component sets only what differs (its width, its height). */
export const dialogStyles = css`
  dialog { width: min(26rem, calc(100vw - 2rem)); border: 1px solid var(--border); border-radius: 12px; background: var(--panel); color: var(--text); padding: 1rem; }
  dialog::backdrop { background: rgb(0 0 0 / 0.4); }
  dialog h2 { margin: 0 0 0.5rem; font-size: 1.1rem; }
`;

/** A destructive action's confirmation (sign out, replacing the account): a danger button, a bordered warning, a row of buttons. */
export const confirmStyles = css`
  button.danger { background: var(--danger); color: #fff; }
  .confirm { border: 1px solid var(--danger); border-radius: 8px; padding: 0.6rem; }
  .confirm p { margin: 0 0 0.5rem; }
  .row { display: flex; gap: 0.5rem; flex-wrap: wrap; }
`;
