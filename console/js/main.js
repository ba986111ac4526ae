// The console's entry point: the sign-in form, the navigation and a router over
// location.hash ("#/findings?severity=HIGH").
import { clearToken, describeError, get, getToken, setToken } from './api.js';
import { el, replaceChildren } from './dom.js';
import { renderAnomalies } from './pages/anomalies.js';
import { renderAudit } from './pages/audit.js';
import { renderCompliance } from './pages/compliance.js';
import { renderFinding } from './pages/finding.js';
import { renderFindings } from './pages/findings.js';
import { renderOverview } from './pages/overview.js';
import { renderRemediations } from './pages/remediations.js';

const PAGES = {
  overview: renderOverview,
  findings: renderFindings,
  finding: renderFinding,
  compliance: renderCompliance,
  remediations: renderRemediations,
  audit: renderAudit,
  anomalies: renderAnomalies,
};

const main = document.getElementById('main');
const errorBox = document.getElementById('error');
let renderCount = 0;

export function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = !message;
}

function parseHash() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [name, query] = hash.split('?');
  return { name: name || 'overview', params: new URLSearchParams(query || '') };
}

function signInForm(message) {
  const input = el('input', {
    id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true,
    placeholder: 'rmp_…',
  });
  const form = el('form', { id: 'sign-in', class: 'card narrow' },
    el('h1', {}, 'Sign in'),
    el('p', {}, 'Paste an API token made with ',
      el('code', {}, 'rampart token create --name NAME --scopes read,approve --db rampart.db'),
      '. It is kept in this tab only (sessionStorage).'),
    el('label', { for: 'token' }, 'Bearer token'), input,
    el('button', { type: 'submit' }, 'Sign in'),
    message ? el('p', { class: 'error', role: 'alert' }, message) : null);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    setToken(input.value.trim());
    try {
      // /v1/audit/verify needs the read scope, so a token without it cannot sign in.
      await get('/v1/audit/verify');
      if (location.hash && location.hash !== '#/overview') {
        render();
      } else {
        location.hash = '#/overview';  // the hashchange event renders it
      }
    } catch (error) {
      clearToken();
      replaceChildren(main, signInForm(describeError(error)));
      main.dataset.page = 'sign-in';
      main.dataset.ready = 'true';
    }
  });
  return form;
}

function markNavigation(name) {
  for (const link of document.querySelectorAll('#nav a')) {
    link.classList.toggle('active', link.dataset.page === name ||
      (name === 'finding' && link.dataset.page === 'findings'));
  }
}

// Renders the page of the current hash. A render that a newer one overtook leaves the page
// to the newer one.
export async function render() {
  const count = ++renderCount;
  showError('');
  main.dataset.ready = 'false';
  const signedIn = Boolean(getToken());
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('sign-out').hidden = !signedIn;
  if (!signedIn) {
    replaceChildren(main, signInForm());
    main.dataset.page = 'sign-in';
    main.dataset.ready = 'true';
    return;
  }
  const { name, params } = parseHash();
  const page = PAGES[name] || renderOverview;
  markNavigation(name);
  main.dataset.page = PAGES[name] ? name : 'overview';
  try {
    await page(main, params, () => count === renderCount);
  } catch (error) {
    if (count === renderCount) {
      showError(describeError(error));
    }
  }
  if (count === renderCount) {
    main.dataset.rendered = location.hash;
    main.dataset.ready = 'true';
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  clearToken();
  location.hash = '';
  render();
});
window.addEventListener('hashchange', render);
render();
