// A record form's or view's command bar: links and buttons in the Dynamics order (New, Save, then the
// record's own commands, Delete last). A button that acts on selected rows says how many it needs
// (`data-needs="one"` or `"some"`); admin.js disables it until the selection fits, and the server
// checks again.
import type { ComponentChildren } from 'preact';

export const CommandBar = ({ children, label }: { children: ComponentChildren; label: string }) => (
  <div class="command-bar" role="toolbar" aria-label={label}>
    {children}
  </div>
);

export const CommandLink = (p: { href: string; children: ComponentChildren; primary?: boolean; danger?: boolean }) => (
  <a class={`command${p.primary ? ' primary' : ''}${p.danger ? ' danger' : ''}`} href={p.href}>
    {p.children}
  </a>
);

export const CommandButton = (p: {
  children: ComponentChildren;
  formAction?: string;
  form?: string;
  needs?: 'one' | 'some';
  primary?: boolean;
  name?: string;
  value?: string;
}) => (
  <button
    type="submit"
    class={`command${p.primary ? ' primary' : ''}`}
    formAction={p.formAction}
    form={p.form}
    name={p.name}
    value={p.value}
    data-needs={p.needs}
  >
    {p.children}
  </button>
);
