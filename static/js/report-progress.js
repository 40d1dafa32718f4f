// Polls a report job's status and updates the page (the page works without it: it has a
// "Refresh this page" link). Messages go to a polite live region.
(function () {
  'use strict'
  var box = document.getElementById('report-progress')
  if (!box) return
  var url = box.getAttribute('data-status-url')
  var status = box.getAttribute('data-status')
  if (status === 'done' || status === 'failed') return
  var statusText = document.getElementById('report-status')
  var bar = document.getElementById('report-bar')
  var download = document.getElementById('report-download')
  var refresh = document.getElementById('report-refresh')
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
      .then(function (job) {
        bar.value = job.progress
        bar.textContent = job.progress + '%'
        if (job.status === 'done') {
          say('Your report is ready.')
          download.hidden = false
          if (refresh) refresh.hidden = true
          return
        }
        if (job.status === 'failed') {
          // Reload to show the reason and the "Try again" button.
          window.location.reload()
          return
        }
        say(job.status === 'running'
          ? 'Your report is being made (' + job.progress + '% done).'
          : 'Your report is waiting to be made.')
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
