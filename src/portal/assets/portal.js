// The portal's one script, progressive enhancement only (every page works without it; CSP allows
// scripts from 'self' alone). After a refused form the error summary has autofocus; where a browser
// did not focus it, this does. A link of the summary focuses its field, not only scrolls to it.
(() => {
  const focusSummary = () => {
    const summary = document.querySelector('[data-error-summary]');
    if (summary && document.activeElement !== summary && !summary.contains(document.activeElement)) {
      summary.focus();
    }
  };
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('.error-list a[href^="#"]') : null;
    if (!link) return;
    const field = document.getElementById(link.getAttribute('href').slice(1));
    if (!field) return;
    event.preventDefault();
    field.focus();
    field.scrollIntoView({ block: 'center' });
  });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', focusSummary);
  else focusSummary();
})();
