// The rating kiosk, left alone: after the idle time (data-kiosk-idle, in seconds) without a touch, a key or a scroll, a
// page that is not at its start (another language, a choice made, a comment typed, an error shown, anything touched)
// goes back to it through /lang/vi, so the next citizen finds it in Vietnamese with nothing chosen. A page already at
// its start is left as it is. Without scripts the kiosk still works; only this reset is missing.
document.addEventListener('DOMContentLoaded', () => {
  const form = document.querySelector('form[data-kiosk-idle][data-kiosk-start]');
  if (!form) return;
  const seconds = Number(form.getAttribute('data-kiosk-idle'));
  const start = form.getAttribute('data-kiosk-start');
  if (!(seconds > 0) || !start) return;
  let touched = false;
  let timer;
  const filled = () =>
    Array.from(form.elements).some((e) => ((e.type === 'radio' || e.type === 'checkbox') && e.checked) || (e.tagName === 'TEXTAREA' && e.value !== '')) ||
    document.querySelector('.has-error, .error, details[open]') !== null;
  const atStart = () => document.documentElement.lang === 'vi' && !touched && !filled();
  const expire = () => {
    if (!atStart()) window.location.replace(start);
  };
  const restart = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(expire, seconds * 1000);
  };
  for (const type of ['pointerdown', 'keydown', 'input', 'change', 'wheel', 'touchstart']) {
    document.addEventListener(type, () => { touched = true; restart(); }, { capture: true, passive: true });
  }
  // A scroll alone touches nothing; it only shows that someone is still there.
  window.addEventListener('scroll', restart, { passive: true });
  restart();
});
