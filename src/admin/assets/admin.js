// The back office's one script, and every page works without it: it keeps a view's selection count
// and its commands in step (a command that needs one row is disabled unless exactly one is chosen;
// one that needs some, unless at least one is), and "select all" on a grid. The server checks the
// selection again, so nothing here is a rule.
(() => {
  function refresh(form) {
    const boxes = document.querySelectorAll(`input[data-row-select][form="${form.id}"]`);
    const chosen = Array.from(boxes).filter((b) => b.checked).length;
    for (const button of form.querySelectorAll('[data-needs]')) {
      const needs = button.getAttribute('data-needs');
      button.disabled = needs === 'one' ? chosen !== 1 : chosen < 1;
    }
    const count = form.querySelector('[data-selection-count]');
    if (count)
      count.textContent = chosen ? (count.getAttribute('data-template') || '{n}').replace('{n}', String(chosen)) : '';
    const all = document.querySelector(`input[data-select-all][form="${form.id}"]`);
    if (all) {
      all.checked = chosen > 0 && chosen === boxes.length;
      all.indeterminate = chosen > 0 && chosen < boxes.length;
    }
  }

  function init() {
    // On a phone the site map starts folded.
    const map = document.querySelector('details.site-map');
    if (map && window.matchMedia('(max-width: 760px)').matches && !map.dataset.seen) {
      map.open = false;
      map.dataset.seen = '1';
    }
    for (const form of document.querySelectorAll('form[data-selection-form]')) refresh(form);
  }

  document.addEventListener('change', (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement)) return;
    const formId = input.getAttribute('form');
    const form = formId && document.getElementById(formId);
    if (!form?.hasAttribute('data-selection-form')) return;
    if (input.hasAttribute('data-select-all'))
      for (const box of document.querySelectorAll(`input[data-row-select][form="${formId}"]`))
        box.checked = input.checked;
    refresh(form);
  });

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
  document.addEventListener('htmx:after:swap', init);
})();
