// Polls an import run's status and says what is happening in a polite live region; when the
// import has finished, reloads the page to show the result (the page works without this: it
// has a "Refresh this page" link).
(function () {
  'use strict'
  var box = document.getElementById('import-progress')
  if (!box) return
  var url = box.getAttribute('data-status-url')
  var status = box.getAttribute('data-status')
  if (status === 'succeeded' || status === 'failed') return
  var statusText = document.getElementById('import-status')
  var delay = 1000
  var lastMessage = statusText.textContent.trim()

  function say (message) {
    if (message !== lastMessage) {
      statusText.textContent = message
      lastMessage = message
    }
  }

  function poll () {
    fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error('status ' + response.status)
        return response.json()
      })
      .then(function (run) {
        if (run.finished) {
          say(run.status === 'succeeded' ? 'The file was imported.' : 'The file was rejected.')
          window.location.reload()
          return
        }
        var bar = document.getElementById('import-bar')
        if (bar) {
          bar.value = run.progress
          bar.textContent = run.progress + '%'
        }
        say(run.status === 'running'
          ? 'The file is being imported (' + run.progress + '% done).'
          : 'The file is waiting to be imported.')
        delay = Math.min(delay * 1.5, 10000)
        window.setTimeout(poll, delay)
      })
      .catch(function () {
        delay = Math.min(delay * 2, 30000)
        window.setTimeout(poll, delay)
      })
  }
  window.setTimeout(poll, delay)
})()
