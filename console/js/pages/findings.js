// Findings: a table of GetFindings results with filters, sorting by column and paging.
import { describeError, post } from '../api.js';
import { el, formatTime, pick, replaceChildren, table } from '../dom.js';
import {
  equalsFilters, heading, RECORD_STATES, SEVERITIES, severityBadge, WORKFLOW_STATUSES,
} from './common.js';

const PAGE_SIZE = 50;

// Columns: header, the sort field (null when the column cannot be sorted) and the cell.
const COLUMNS = [
  ['Severity', 'SeverityNormalized', (finding) => severityBadge(pick(finding, 'Severity.Label'))],
  ['Title', 'Title', (finding) => el('a', { href: findingLink(finding) }, finding.Title || finding.Id)],
  ['Product', 'ProductName', (finding) => finding.ProductName || ''],
  ['Resource', null, (finding) => (finding.Resources && finding.Resources[0] ?
    `${finding.Resources[0].Type}: ${finding.Resources[0].Id}` : '')],
  ['Workflow', 'WorkflowStatus', (finding) => pick(finding, 'Workflow.Status') || ''],
  ['Updated', 'UpdatedAt', (finding) => formatTime(finding.UpdatedAt)],
];

export function findingLink(finding) {
  return `#/finding?arn=${encodeURIComponent(finding.ProductArn)}&id=${encodeURIComponent(finding.Id)}`;
}

// Reads the filters and sort of the page from the hash parameters.
function readQuery(params) {
  const filters = equalsFilters({
    SeverityLabel: params.get('severity'),
    WorkflowStatus: params.get('workflow'),
    RecordState: params.get('state'),
  });
  if (params.get('title')) {
    filters.Title = [{ Value: params.get('title'), Comparison: 'CONTAINS' }];
  }
  const sort = params.get('sort');
  const order = params.get('order') === 'asc' ? 'asc' : 'desc';
  const sortCriteria = sort ? [{ Field: sort, SortOrder: order }] : [];
  return { filters, sortCriteria, sort, order };
}

function select(name, label, values, selected) {
  return el('label', {}, `${label} `, el('select', { name, id: `filter-${name}` },
    el('option', { value: '' }, 'any'),
    values.map((value) => el('option', { value, selected: value === selected }, value))));
}

function filterForm(params) {
  const form = el('form', { class: 'controls', id: 'finding-filters' },
    select('severity', 'Severity', SEVERITIES, params.get('severity')),
    select('workflow', 'Workflow', WORKFLOW_STATUSES, params.get('workflow')),
    select('state', 'Record state', RECORD_STATES, params.get('state')),
    el('label', {}, 'Title contains ', el('input', {
      name: 'title', id: 'filter-title', type: 'search', value: params.get('title') || '',
    })),
    el('button', { type: 'submit' }, 'Apply'));
  const apply = (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [key, value] of new FormData(form)) {
      if (value) {
        next.set(key, value);
      }
    }
    for (const key of ['sort', 'order']) {
      if (params.get(key)) {
        next.set(key, params.get(key));
      }
    }
    location.hash = `#/findings?${next}`;
  };
  form.addEventListener('submit', apply);
  form.addEventListener('change', (event) => {
    if (event.target.tagName === 'SELECT') {
      apply(event);
    }
  });
  return form;
}

function sortHeader(label, field, query, params) {
  if (!field) {
    return el('th', { scope: 'col' }, label);
  }
  const active = query.sort === field;
  const nextOrder = active && query.order === 'asc' ? 'desc' : 'asc';
  const next = new URLSearchParams(params);
  next.set('sort', field);
  next.set('order', nextOrder);
  let arrow = '';
  let ariaSort = 'none';
  if (active) {
    arrow = query.order === 'asc' ? ' ▲' : ' ▼';
    ariaSort = query.order === 'asc' ? 'ascending' : 'descending';
  }
  return el('th', { scope: 'col', 'aria-sort': ariaSort },
    el('a', { href: `#/findings?${next}`, class: 'sort', 'data-sort': field }, label + arrow));
}

export async function renderFindings(main, params, current) {
  const query = readQuery(params);
  const body = { Filters: query.filters, SortCriteria: query.sortCriteria, MaxResults: PAGE_SIZE };
  const [count, first] = await Promise.all([
    post('/v1/findings/count', { Filters: query.filters }),
    post('/v1/findings/query', body),
  ]);
  if (!current()) {
    return;
  }
  const tokens = [undefined];  // the NextToken of each page shown so far
  const results = el('div', { id: 'finding-results' });
  const showPage = (page, index) => {
    const start = index * PAGE_SIZE;
    const rows = page.Findings.map((finding) =>
      el('tr', { 'data-id': finding.Id }, COLUMNS.map(([, , cell]) => el('td', {}, cell(finding)))));
    const previous = el('button', { type: 'button', disabled: index === 0 }, 'Previous page');
    const next = el('button', { type: 'button', disabled: !page.NextToken }, 'Next page');
    previous.addEventListener('click', () => loadPage(index - 1));
    next.addEventListener('click', () => {
      tokens[index + 1] = page.NextToken;
      loadPage(index + 1);
    });
    replaceChildren(results,
      table(COLUMNS.map(([label, field]) => sortHeader(label, field, query, params)), rows,
        { id: 'findings-table', class: 'data' }),
      el('div', { class: 'pager' }, previous,
        el('span', { id: 'page-range' },
          page.Findings.length ? `${start + 1}–${start + page.Findings.length} of ${count.Count}` : ''),
        next));
  };
  const loadPage = async (index) => {
    try {
      showPage(await post('/v1/findings/query', { ...body, NextToken: tokens[index] }), index);
    } catch (error) {
      results.append(el('p', { class: 'error', role: 'alert' }, describeError(error)));
    }
  };
  showPage(first, 0);
  replaceChildren(main,
    heading('Findings', el('span', { id: 'finding-count', class: 'count', 'data-count': count.Count },
      `${count.Count} finding${count.Count === 1 ? '' : 's'}`)),
    filterForm(params),
    results);
}
