// GOV.UK Frontend's body-start script, kept external because the Content Security Policy
// allows no inline script. Load it first thing in <body>, as a classic (non-module) script.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
