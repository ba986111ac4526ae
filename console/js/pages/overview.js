// Overview: findings by severity over time and by resource type.
import { get, post } from '../api.js';
import { barChart, stackedColumns } from '../charts.js';
import { el, replaceChildren } from '../dom.js';
import { heading, SEVERITIES, severityClass } from './common.js';

function bucketLabel(start, interval) {
  const date = start.slice(0, 10);
  return interval === 'month' ? date.slice(0, 7) : date;
}

export async function renderOverview(main, params, current) {
  const field = params.get('field') === 'UpdatedAt' ? 'UpdatedAt' : 'CreatedAt';
  const interval = params.get('interval') || 'auto';
  const [series, types, severities] = await Promise.all([
    get(`/v1/findings/severity-series?field=${field}&interval=${encodeURIComponent(interval)}`),
    post('/v1/findings/group-by', { GroupByAttribute: 'ResourceType' }),
    post('/v1/findings/group-by', { GroupByAttribute: 'SeverityLabel' }),
  ]);
  if (!current()) {
    return;
  }
  const buckets = series.Buckets.map((bucket) => ({
    label: bucketLabel(bucket.Start, series.Interval), counts: bucket.Counts, total: bucket.Total,
  }));
  const typeGroups = types.ResultValues.map((value) => ({
    label: value.GroupByAttributeValue, value: value.Count,
  }));
  const severityGroups = SEVERITIES.map((label) => {
    const found = severities.ResultValues.find((value) => value.GroupByAttributeValue === label);
    return { label, value: found ? found.Count : 0, className: severityClass(label) };
  });

  const choose = el('form', { class: 'controls', id: 'series-controls' },
    el('label', {}, 'Time ', el('select', { name: 'field' },
      ['CreatedAt', 'UpdatedAt'].map((name) =>
        el('option', { value: name, selected: name === field }, name)))),
    el('label', {}, 'Interval ', el('select', { name: 'interval' },
      ['auto', 'day', 'week', 'month'].map((name) =>
        el('option', { value: name, selected: name === interval }, name)))));
  choose.addEventListener('change', () => {
    const data = new FormData(choose);
    location.hash = `#/overview?field=${data.get('field')}&interval=${data.get('interval')}`;
  });

  // The default series keeps the newest 60 months and counts the findings before them.
  const earlier = series.EarlierTotal
    ? el('p', { class: 'muted', id: 'series-earlier' },
      `${series.EarlierTotal} findings before ${buckets[0].label} are not shown.`)
    : null;

  replaceChildren(main,
    heading('Overview'),
    el('section', { id: 'severity-over-time' }, choose,
      stackedColumns(`Findings by severity, per ${series.Interval} of ${series.Field}`,
        buckets, SEVERITIES, severityClass), earlier),
    el('div', { class: 'two-columns' },
      el('section', { id: 'by-severity' }, barChart('Findings by severity', severityGroups)),
      el('section', { id: 'by-resource-type' }, barChart('Findings by resource type', typeGroups))));
}
