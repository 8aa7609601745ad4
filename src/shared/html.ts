// Escaping for the few HTML bodies built as strings outside JSX and Liquid (the portal's account
// emails, the invitation notices): every character that could end a text or an attribute.
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
