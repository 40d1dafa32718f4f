// Start every GOV.UK Frontend component on the page (loaded with type="module").
import { initAll } from './govuk-frontend.min.js'

initAll()
