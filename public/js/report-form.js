// The citizen's report form: the name, phone and e-mail fields show only when the citizen chooses to leave a name.
// Hidden fields are also disabled, so nothing typed there is sent with an anonymous report. Without scripts they stay
// visible, and the server refuses contact details sent with "anonymous" (it never drops them silently).
document.addEventListener('DOMContentLoaded', () => {
  const box = document.querySelector('[data-contact-fields]');
  const choices = document.querySelectorAll('input[data-identity]');
  if (!box || choices.length === 0) return;
  const hint = box.querySelector('[data-contact-hint]');
  // After a refused submit that carried contact details under "anonymous", they stay in view until the citizen chooses.
  let keepOpen = box.hasAttribute('data-keep-open');
  const update = () => {
    const named = Array.from(choices).some((c) => c.checked && c.value === 'named');
    const shown = named || keepOpen;
    box.hidden = !shown;
    if (hint) hint.hidden = named;
    for (const input of box.querySelectorAll('input')) input.disabled = !shown;
  };
  for (const c of choices) c.addEventListener('change', () => { keepOpen = false; update(); });
  update();
});

// The description starts small (a phone screen is short) and grows with what is typed, up to most of the screen;
// without scripts it keeps its size and can be resized by hand.
document.addEventListener('DOMContentLoaded', () => {
  const area = document.querySelector('form.report-form textarea#f-description');
  if (!area) return;
  area.setAttribute('data-autogrow', '');
  const base = area.offsetHeight;
  const grow = () => {
    area.style.height = `${base}px`;
    const border = area.offsetHeight - area.clientHeight;
    const limit = Math.max(base, Math.round(window.innerHeight * 0.6));
    area.style.height = `${Math.min(Math.max(area.scrollHeight + border, base), limit)}px`;
    area.style.overflowY = area.scrollHeight + border > limit ? 'auto' : 'hidden';
  };
  area.addEventListener('input', grow);
  grow();
});
