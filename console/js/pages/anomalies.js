// Anomalies: the scores a model of the models folder gives each row of its series file
// (NAME.csv beside NAME.model), over time, with the model's threshold.
import { ApiError, get } from '../api.js';
import { lineChart } from '../charts.js';
import { el, formatTime, replaceChildren } from '../dom.js';
import { heading } from './common.js';

async function listModels() {
  try {
    return (await get('/v1/models')).Models;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return null;  // the server runs without --models
    }
    throw error;
  }
}

function chartPoints(points) {
  const timed = points.every((point) => point.Time);
  return points.map((point, index) => ({
    x: timed ? Date.parse(point.Time) : index,
    y: point.Score,
    label: timed ? formatTime(point.Time) : `row ${index + 1}`,
  }));
}

export async function renderAnomalies(main, params, current) {
  const models = await listModels();
  if (!current()) {
    return;
  }
  if (models === null) {
    replaceChildren(main, heading('Anomalies'), el('p', {},
      'No models folder: start rampart serve with --models DIR, where DIR holds NAME.model ' +
      'files from rampart model train and the NAME.csv series each one scores.'));
    return;
  }
  const withSeries = models.filter((model) => model.Series && !model.Problem);
  const chosen = params.get('model') || (withSeries[0] && withSeries[0].Name) || '';
  const picker = el('form', { class: 'controls' }, el('label', {}, 'Model ',
    el('select', { name: 'model', id: 'model-select' }, withSeries.map((model) =>
      el('option', { value: model.Name, selected: model.Name === chosen }, model.Name)))));
  picker.addEventListener('change', () => {
    location.hash = `#/anomalies?model=${encodeURIComponent(new FormData(picker).get('model'))}`;
  });
  const problems = models.filter((model) => model.Problem).map((model) =>
    el('li', { class: 'error-text' }, `${model.Name}: ${model.Problem}`));
  if (!chosen) {
    replaceChildren(main, heading('Anomalies'), el('p', {},
      'No model has a series file: put NAME.csv beside NAME.model in the models folder.'),
      el('ul', {}, problems));
    return;
  }
  const series = await get(`/v1/models/${encodeURIComponent(chosen)}/scores`);
  if (!current()) {
    return;
  }
  const model = models.find((candidate) => candidate.Name === chosen) || {};
  const above = series.Threshold === null ? 0 :
    series.Points.filter((point) => point.Score > series.Threshold).length;
  replaceChildren(main,
    heading('Anomalies'),
    picker,
    el('p', { id: 'anomaly-summary' },
      `${series.Points.length} rows scored by ${model.Kind || 'the'} model over ` +
      `${(model.Features || []).join(', ')}; ${above} above the threshold ` +
      `${series.Threshold === null ? '(none stored)' : series.Threshold.toFixed(4)}.`),
    el('section', { id: 'anomaly-chart' },
      lineChart(`Anomaly scores of ${chosen}`, chartPoints(series.Points), series.Threshold)),
    problems.length ? el('ul', {}, problems) : null);
}
