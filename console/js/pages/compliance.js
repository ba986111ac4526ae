// Compliance: the score of each standard and its failing controls, from the active findings.
import { get } from '../api.js';
import { el, replaceChildren, table } from '../dom.js';
import { heading } from './common.js';

function score(value) {
  return value === null || value === undefined ? '-' : `${(value * 100).toFixed(1)}%`;
}

export async function renderCompliance(main, params, current) {
  const summary = await get('/v1/compliance/summary');
  if (!current()) {
    return;
  }
  const rows = summary.Standards.map((standard) =>
    el('tr', { 'data-standard': standard.standard },
      el('th', { scope: 'row' }, standard.standard),
      el('td', { class: 'number', 'data-field': 'controls' }, String(standard.controls.length)),
      el('td', { class: 'number', 'data-field': 'passed' }, String(standard.passed)),
      el('td', { class: 'number', 'data-field': 'failed' }, String(standard.failed)),
      el('td', { class: 'number', 'data-field': 'noData' }, String(standard.noData)),
      el('td', { class: 'number', 'data-field': 'score' }, score(standard.score))));
  const failing = summary.Standards.map((standard) => {
    const controls = standard.controls.filter((control) => control.status === 'FAILED');
    if (controls.length === 0) {
      return null;
    }
    return el('section', { class: 'failing', 'data-standard': standard.standard },
      el('h2', {}, `${standard.standard}: ${controls.length} failing control${controls.length === 1 ? '' : 's'}`),
      table(['Control', el('th', { scope: 'col', class: 'number' }, 'Failed findings'),
        el('th', { scope: 'col', class: 'number' }, 'Passed findings')], controls.map((control) =>
        el('tr', {}, el('td', {}, control.requirement),
          el('td', { class: 'number' }, String(control.failedFindings)),
          el('td', { class: 'number' }, String(control.passedFindings)))), { class: 'data' }));
  });
  replaceChildren(main,
    heading('Compliance'),
    el('p', { class: 'muted' }, 'A control fails when any of its active findings failed and ' +
      'passes when one passed and none failed; the score is passed controls over controls with data.'),
    table(['Standard', ...['Controls', 'Passed', 'Failed', 'No data', 'Score'].map((label) =>
      el('th', { scope: 'col', class: 'number' }, label))], rows,
      { id: 'compliance-table', class: 'data' }),
    failing);
}
