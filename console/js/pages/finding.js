// One finding: its main fields, the history of its changes and the whole ASFF document.
import { get, post } from '../api.js';
import { el, formatTime, pick, replaceChildren, table } from '../dom.js';
import { heading, severityBadge } from './common.js';

const FIELDS = [
  ['Id', 'Id'], ['Product', 'ProductArn'], ['Generator', 'GeneratorId'],
  ['Account', 'AwsAccountId'], ['Types', 'Types'], ['Workflow', 'Workflow.Status'],
  ['Record state', 'RecordState'], ['Compliance', 'Compliance.Status'],
  ['Created', 'CreatedAt'], ['Updated', 'UpdatedAt'], ['First observed', 'FirstObservedAt'],
  ['Last observed', 'LastObservedAt'], ['Recommendation', 'Remediation.Recommendation.Text'],
];

function valueText(value) {
  if (value === null || value === undefined) {
    return '-';
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function historyRows(records) {
  const rows = [];
  for (const record of records) {
    const when = formatTime(record.UpdateTime);
    const who = `${record.UpdateSource.Type} by ${record.UpdateSource.Identity}`;
    if (record.FindingCreated) {
      rows.push(el('tr', { class: 'created' }, el('td', {}, when), el('td', {}, who),
        el('td', {}, '(created)'), el('td', {}, ''), el('td', {}, '')));
    }
    for (const change of record.Updates) {
      rows.push(el('tr', {}, el('td', {}, when), el('td', {}, who),
        el('td', {}, change.UpdatedField), el('td', {}, valueText(change.OldValue)),
        el('td', {}, valueText(change.NewValue))));
    }
  }
  return rows;
}

export async function renderFinding(main, params, current) {
  const arn = params.get('arn') || '';
  const id = params.get('id') || '';
  const filters = {
    ProductArn: [{ Value: arn, Comparison: 'EQUALS' }],
    Id: [{ Value: id, Comparison: 'EQUALS' }],
  };
  const [found, history] = await Promise.all([
    post('/v1/findings/query', { Filters: filters, MaxResults: 1 }),
    get(`/v1/findings/history?ProductArn=${encodeURIComponent(arn)}&Id=${encodeURIComponent(id)}`),
  ]);
  if (!current()) {
    return;
  }
  const finding = found.Findings[0];
  if (!finding) {
    replaceChildren(main, heading('Finding not found'), el('p', {}, `No finding ${id} of ${arn}.`));
    return;
  }
  const fields = el('dl', { class: 'fields' }, FIELDS.map(([label, path]) => {
    const value = pick(finding, path);
    const text = path.endsWith('At') ? formatTime(value) : valueText(value);
    return [el('dt', {}, label), el('dd', {}, Array.isArray(value) ? value.join(', ') : text)];
  }));
  const resources = (finding.Resources || []).map((resource) =>
    el('li', {}, `${resource.Type}: ${resource.Id}`));
  replaceChildren(main,
    heading(finding.Title || finding.Id, severityBadge(pick(finding, 'Severity.Label'))),
    el('p', { class: 'back' }, el('a', { href: '#/findings' }, '← All findings')),
    el('p', { class: 'description' }, finding.Description || ''),
    fields,
    el('h2', {}, 'Resources'), el('ul', {}, resources),
    el('h2', {}, `History (${history.Records.length} change${history.Records.length === 1 ? '' : 's'})`),
    table(['Time', 'Source', 'Field', 'Old value', 'New value'], historyRows(history.Records),
      { id: 'finding-history', class: 'data' }),
    el('details', {}, el('summary', {}, 'ASFF document'),
      el('pre', { class: 'json' }, JSON.stringify(finding, null, 2))));
}
