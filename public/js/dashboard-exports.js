// Follows an export job: polls its status and updates the progress bar, the error or the download link.
(function () {
  var box = document.getElementById('export-job');
  if (!box) return;
  var url = box.getAttribute('data-status-url');
  var status = box.getAttribute('data-status');
  if (status !== 'QUEUED' && status !== 'RUNNING') return;
  var bar = box.querySelector('progress');
  var percent = box.querySelector('.export-percent');
  var label = box.querySelector('.export-status');
  var error = box.querySelector('.export-error');
  var download = box.querySelector('.export-download');
  function poll() {
    fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        label.textContent = s.label;
        if (bar) bar.value = s.progress;
        if (percent) percent.textContent = s.progress + '%';
        if (s.status === 'FAILED') { error.textContent = s.error; error.hidden = false; return; }
        if (s.status === 'DONE') {
          var link = download.querySelector('a');
          if (link && s.downloadUrl) link.href = s.downloadUrl;
          download.hidden = false;
          return;
        }
        setTimeout(poll, 1500);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
