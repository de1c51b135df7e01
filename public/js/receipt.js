// The copy button appears only where scripts run and the clipboard is available; it says when the code was copied.
document.addEventListener('DOMContentLoaded', () => {
  for (const button of document.querySelectorAll('[data-copy]')) {
    const code = document.getElementById(button.dataset.copy);
    if (!code || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(code.textContent.trim());
        button.textContent = button.dataset.done;
      } catch {
        button.textContent = button.dataset.failed;
      }
    });
  }
});
