// After an invalid submit, focus moves to the list of errors at the top of the form, so that a screen reader reads it
// and a keyboard user starts there; each entry links to its field, and following a link focuses that field.
document.addEventListener('DOMContentLoaded', () => {
  const summary = document.querySelector('[data-error-summary]');
  if (!summary) return;
  summary.focus();
  for (const link of summary.querySelectorAll('a[href^="#"]')) {
    link.addEventListener('click', (event) => {
      const field = document.getElementById(link.getAttribute('href').slice(1));
      if (!field) return;
      event.preventDefault();
      const details = field.closest('details');
      if (details) details.open = true;
      field.focus();
      field.scrollIntoView({ block: 'center' });
    });
  }
});
