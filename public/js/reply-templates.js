// The reply template picker on the case page: choosing a template puts its text (already filled from the case) in the
// reply box, to be edited before sending. Without this script the "Dùng mẫu" button reloads the page with it.
(function () {
  const picker = document.querySelector('[data-template-picker]');
  const box = document.getElementById('f-reply');
  const used = document.getElementById('f-reply-template');
  if (!picker || !box || !used) return;
  const select = picker.querySelector('select');
  const button = picker.querySelector('[data-template-use]');
  if (button) button.style.display = 'none';
  let filled = box.value;
  select.addEventListener('change', function () {
    const option = select.selectedOptions[0];
    const text = option && option.value ? option.getAttribute('data-text') || '' : '';
    // Something typed by hand is not replaced without asking.
    if (box.value.trim() && box.value !== filled && !window.confirm(picker.getAttribute('data-confirm') || '')) {
      select.value = used.value;
      return;
    }
    box.value = text;
    filled = text;
    used.value = option ? option.value : '';
    if (text) box.rows = 8;
    box.focus();
  });
})();
