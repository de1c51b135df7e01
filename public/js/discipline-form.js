// The discipline decision form: once a system is chosen (administrative or party discipline), only that system's
// forms are offered. Without this script every form shows, grouped by system, and the server refuses a mismatch.
(function () {
  const form = document.querySelector('[data-discipline-form]');
  if (!form) return;
  const system = form.querySelector('select[name="system"]');
  const select = form.querySelector('select[name="form"]');
  if (!system || !select) return;
  function show() {
    let firstShown = null;
    let selectedShown = false;
    for (const group of select.querySelectorAll('optgroup')) {
      const on = group.getAttribute('data-system') === system.value;
      group.hidden = !on;
      group.disabled = !on;
      if (on) {
        firstShown = firstShown || group.querySelector('option');
        if (select.selectedOptions[0] && select.selectedOptions[0].parentElement === group) selectedShown = true;
      }
    }
    if (!selectedShown && firstShown) firstShown.selected = true;
  }
  system.addEventListener('change', show);
  show();
})();
