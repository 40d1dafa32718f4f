// Updates a report batch's count while its PDFs are made, then reloads to show the downloads.
(function () {
  'use strict'
  var box = document.getElementById('batch-progress')
  if (!box || box.getAttribute('data-waiting') === '0') return
  var url = box.getAttribute('data-status-url')
  var statusText = document.getElementById('batch-status')
  var bar = document.getElementById('batch-bar')
  var delay = 2000

  function poll () {
    fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error('status ' + response.status)
        return response.json()
      })
      .then(function (p) {
        bar.value = p.percent
        bar.textContent = p.percent + '%'
        if (p.waiting === 0) {
          window.location.reload()
          return
        }
        var message = p.done + ' of ' + p.total + ' ready' +
          (p.failed ? ', ' + p.failed + ' failed' : '') + ', ' + p.waiting + ' still being made.'
        if (statusText.textContent !== message) statusText.textContent = message
        delay = Math.min(delay * 1.3, 15000)
        window.setTimeout(poll, delay)
      })
      .catch(function () {
        delay = Math.min(delay * 2, 30000)
        window.setTimeout(poll, delay)
      })
  }
  window.setTimeout(poll, delay)
})()
