// Remediations: the queue of remediation records, approve and reject for records awaiting
// approval, and each record's summary, diff (the GitOps change) and output.
import { describeError, get, post } from '../api.js';
import { el, formatTime, replaceChildren, table } from '../dom.js';
import { heading } from './common.js';

// The maximum number of records awaiting approval that the page counts: the largest page that
// the API returns.
const AWAITING_LIMIT = 1000;

const STATES = ['AWAITING_APPROVAL', 'PLANNED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'VERIFIED',
  'ROLLED_BACK', 'REJECTED', 'SKIPPED'];

// Shows a unified diff with added, removed and header lines marked for colour.
function diffView(diff) {
  return el('pre', { class: 'diff' }, diff.split('\n').map((line) => {
    let kind = 'context';
    if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff ') ||
        line.startsWith('@@')) {
      kind = 'meta';
    } else if (line.startsWith('+')) {
      kind = 'added';
    } else if (line.startsWith('-')) {
      kind = 'removed';
    }
    return el('span', { class: `line ${kind}` }, `${line}\n`);
  }));
}

function detail(record) {
  return el('div', { class: 'remediation-detail' },
    el('dl', { class: 'fields' },
      el('dt', {}, 'Finding'), el('dd', {}, record.FindingId || '-'),
      el('dt', {}, 'Resource'), el('dd', {}, record.ResourceId || '-'),
      el('dt', {}, 'Mode'), el('dd', {}, record.DryRun ? 'dry run' : 'enforce'),
      el('dt', {}, 'Attempts'), el('dd', {}, `${record.Attempts} of ${record.MaxAttempts}`),
      el('dt', {}, 'Decided'), el('dd', {}, record.ApprovedBy ?
        `${record.ApprovedBy} at ${formatTime(record.DecidedAt)}` : '-'),
      el('dt', {}, 'Summary'), el('dd', {}, record.Summary || '-'),
      record.Error ? [el('dt', {}, 'Error'), el('dd', { class: 'error-text' }, record.Error)] : null),
    record.Diff ? [el('h3', {}, 'Change (diff)'), diffView(record.Diff)] :
      el('p', { class: 'muted' }, 'This record has no diff.'),
    record.Output ? [el('h3', {}, 'Output'), el('pre', { class: 'output' }, record.Output)] : null);
}

function decisionButtons(record, onDecided) {
  if (record.State !== 'AWAITING_APPROVAL') {
    return '';
  }
  const message = el('span', { class: 'decision-message', role: 'status' });
  const decide = async (verb, button) => {
    button.disabled = true;
    try {
      const decided = await post(`/v1/remediations/${record.Id}/${verb}`);
      onDecided(decided);
    } catch (error) {
      message.textContent = describeError(error);
      message.classList.add('error-text');
      button.disabled = false;
    }
  };
  const approve = el('button', { type: 'button', class: 'approve', 'data-id': record.Id }, 'Approve');
  const reject = el('button', { type: 'button', class: 'reject', 'data-id': record.Id }, 'Reject');
  approve.addEventListener('click', () => decide('approve', approve));
  reject.addEventListener('click', () => decide('reject', reject));
  return [approve, ' ', reject, message];
}

function recordRows(record) {
  const detailRow = el('tr', { class: 'detail-row', hidden: true },
    el('td', { colspan: 7 }, detail(record)));
  const toggle = el('button', { type: 'button', class: 'link', 'aria-expanded': 'false' },
    String(record.Id));
  toggle.addEventListener('click', () => {
    detailRow.hidden = !detailRow.hidden;
    toggle.setAttribute('aria-expanded', String(!detailRow.hidden));
  });
  const state = el('td', { class: 'state' }, el('span', { class: `state-${record.State}` }, record.State));
  const actions = el('td', {});
  const row = el('tr', { 'data-id': record.Id, 'data-state': record.State },
    el('td', {}, toggle), el('td', {}, record.Rule), el('td', {}, record.Action), state,
    el('td', {}, record.FindingId), el('td', {}, formatTime(record.CreatedAt)), actions);
  actions.append(...[decisionButtons(record, (decided) => {
    row.dataset.state = decided.State;
    replaceChildren(state, el('span', { class: `state-${decided.State}` }, decided.State));
    // A rejection keeps who rejected in Error ("rejected by NAME"); ApprovedBy stays empty.
    replaceChildren(actions, el('span', { class: 'muted' }, decided.State === 'PLANNED'
      ? `Approved by ${decided.ApprovedBy}`
      : `Rejected by ${decided.Error.replace(/^rejected by /, '')}`));
    replaceChildren(detailRow.firstChild, detail(decided));
  })].flat());
  return [row, detailRow];
}

export async function renderRemediations(main, params, current) {
  const state = params.get('state') || '';
  // The count of records awaiting approval comes from a query of its own: the page lists only
  // the newest 200 records of any state.
  const [list, awaiting] = await Promise.all([
    get(`/v1/remediations?limit=200${state ? `&state=${state}` : ''}`),
    get(`/v1/remediations?state=AWAITING_APPROVAL&limit=${AWAITING_LIMIT}`),
  ]);
  if (!current()) {
    return;
  }
  const filter = el('form', { class: 'controls' }, el('label', {}, 'State ',
    el('select', { name: 'state', id: 'filter-state' }, el('option', { value: '' }, 'any'),
      STATES.map((name) => el('option', { value: name, selected: name === state }, name)))));
  filter.addEventListener('change', () => {
    const value = new FormData(filter).get('state');
    location.hash = value ? `#/remediations?state=${value}` : '#/remediations';
  });
  const waiting = awaiting.Remediations.length;
  replaceChildren(main,
    heading('Remediations', el('span', { class: 'count', id: 'awaiting-count' },
      `${waiting}${waiting === AWAITING_LIMIT ? ' or more' : ''} awaiting approval`)),
    filter,
    list.Remediations.length === 0 ? el('p', { class: 'muted' }, 'No remediation records.') :
      table(['Id', 'Rule', 'Action', 'State', 'Finding', 'Created', 'Decision'],
        list.Remediations.map(recordRows).flat(), { id: 'remediations-table', class: 'data' }));
}
