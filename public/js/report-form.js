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
