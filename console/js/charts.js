// Charts drawn as inline SVG: horizontal bars, stacked columns over time and a line of
// scores with a threshold. Each mark carries data-* attributes with the value it draws.
import { el, svg } from './dom.js';

const WIDTH = 720;

function figure(title, chart, legend) {
  return el('figure', { class: 'chart' }, el('figcaption', {}, title), chart, legend || null);
}

function empty(title, message) {
  return figure(title, el('p', { class: 'muted' }, message));
}

// Bars for [{label, value}], one row each in the order given, labels on the left.
export function barChart(title, groups, { className = 'bar-fill' } = {}) {
  if (groups.length === 0) {
    return empty(title, 'No data.');
  }
  const rowHeight = 24;
  const labelWidth = 220;
  const valueWidth = 60;
  const plotWidth = WIDTH - labelWidth - valueWidth;
  const max = Math.max(...groups.map((group) => group.value), 1);
  const height = groups.length * rowHeight + 4;
  const chart = svg('svg', {
    class: 'bars', viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', 'aria-label': title,
  });
  groups.forEach((group, index) => {
    const y = index * rowHeight + 2;
    const barWidth = Math.max((group.value / max) * plotWidth, group.value > 0 ? 1 : 0);
    chart.append(svg('g', { class: 'bar', 'data-label': group.label, 'data-value': group.value },
      svg('title', {}, `${group.label}: ${group.value}`),
      svg('text', { x: labelWidth - 8, y: y + 16, class: 'label end' }, shorten(group.label, 34)),
      svg('rect', {
        x: labelWidth, y: y + 3, width: barWidth.toFixed(2), height: rowHeight - 6,
        class: group.className || className,
      }),
      svg('text', { x: labelWidth + barWidth + 6, y: y + 16, class: 'label' }, String(group.value))));
  });
  return figure(title, chart);
}

function shorten(text, length) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

function legend(keys, classFor) {
  return el('ul', { class: 'legend' }, keys.map((key) =>
    el('li', {}, svg('svg', { viewBox: '0 0 10 10', class: 'swatch' },
      svg('rect', { width: 10, height: 10, class: classFor(key) })), key)));
}

// Stacked columns for [{label, counts: {key: n}, total}], one column per bucket, keys
// stacked in the order given from the bottom.
export function stackedColumns(title, buckets, keys, classFor) {
  if (buckets.length === 0) {
    return empty(title, 'No findings in this range.');
  }
  const height = 240;
  const left = 44;
  const bottom = 28;
  const plotHeight = height - bottom - 8;
  const step = (WIDTH - left) / buckets.length;
  const columnWidth = Math.max(step * 0.8, 1);
  const max = Math.max(...buckets.map((bucket) => bucket.total), 1);
  const chart = svg('svg', {
    class: 'columns', viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', 'aria-label': title,
  },
  svg('line', { x1: left, y1: 8 + plotHeight, x2: WIDTH, y2: 8 + plotHeight, class: 'axis' }),
  svg('text', { x: left - 6, y: 14, class: 'label end' }, String(max)),
  svg('text', { x: left - 6, y: 8 + plotHeight, class: 'label end' }, '0'));

  buckets.forEach((bucket, index) => {
    const x = left + index * step + (step - columnWidth) / 2;
    let y = 8 + plotHeight;
    const column = svg('g', { class: 'bucket', 'data-label': bucket.label, 'data-total': bucket.total },
      svg('title', {}, `${bucket.label}: ${keys.map((key) => `${key} ${bucket.counts[key] || 0}`).join(', ')}`));
    for (const key of keys) {
      const count = bucket.counts[key] || 0;
      if (count === 0) {
        continue;
      }
      const segment = (count / max) * plotHeight;
      y -= segment;
      column.append(svg('rect', {
        x: x.toFixed(2), y: y.toFixed(2), width: columnWidth.toFixed(2), height: segment.toFixed(2),
        class: classFor(key), 'data-key': key, 'data-value': count,
      }));
    }
    chart.append(column);
  });
  // The first, middle and last bucket are labelled, the outer ones anchored inside the chart.
  const labels = [[0, 'label'], [Math.floor(buckets.length / 2), 'label middle'],
    [buckets.length - 1, 'label end']];
  const placed = new Set();
  for (const [index, className] of labels) {
    if (placed.has(index)) {
      continue;
    }
    placed.add(index);
    let x = left + index * step + step / 2;
    if (className === 'label') {
      x = left + index * step;
    } else if (className === 'label end') {
      x = left + (index + 1) * step;
    }
    chart.append(svg('text', { x, y: height - 8, class: className }, buckets[index].label));
  }
  return figure(title, chart, legend(keys, classFor));
}

// A line through [{x, y, label}] (x and y numbers), with a dashed threshold line and a dot on
// every point above it.
export function lineChart(title, points, threshold) {
  if (points.length === 0) {
    return empty(title, 'No points.');
  }
  const height = 260;
  const left = 52;
  const bottom = 28;
  const plotHeight = height - bottom - 8;
  // Loops rather than Math.min(...values), because spreading 200,000 values overflows the
  // stack of Node.js 20 and long series come close to that.
  let minX = Infinity;
  let maxX = -Infinity;
  let maxY = Math.max(threshold ?? 0, 1e-9);
  for (const point of points) {
    minX = Math.min(minX, point.x);
    maxX = Math.max(maxX, point.x);
    maxY = Math.max(maxY, point.y);
  }
  const scaleX = (x) => left + (maxX === minX ? 0.5 : (x - minX) / (maxX - minX)) * (WIDTH - left - 4);
  const scaleY = (y) => 8 + plotHeight - (y / maxY) * plotHeight;

  const coordinates = points.map((point) =>
    `${scaleX(point.x).toFixed(2)},${scaleY(point.y).toFixed(2)}`).join(' ');
  const chart = svg('svg', {
    class: 'line', viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', 'aria-label': title,
  },
  svg('line', { x1: left, y1: 8 + plotHeight, x2: WIDTH, y2: 8 + plotHeight, class: 'axis' }),
  svg('text', { x: left - 6, y: 14, class: 'label end' }, maxY.toFixed(3)),
  svg('text', { x: left - 6, y: 8 + plotHeight, class: 'label end' }, '0'),
  svg('polyline', { points: coordinates, class: 'series', 'data-points': points.length }),
  svg('text', { x: left, y: height - 8, class: 'label' }, points[0].label),
  svg('text', { x: WIDTH - 4, y: height - 8, class: 'label end' }, points[points.length - 1].label));

  if (threshold !== null && threshold !== undefined) {
    chart.append(svg('line', {
      x1: left, x2: WIDTH, y1: scaleY(threshold), y2: scaleY(threshold), class: 'threshold',
      'data-value': threshold,
    }, svg('title', {}, `threshold ${threshold}`)));
    for (const point of points.filter((candidate) => candidate.y > threshold)) {
      chart.append(svg('circle', {
        cx: scaleX(point.x).toFixed(2), cy: scaleY(point.y).toFixed(2), r: 3, class: 'anomaly',
        'data-value': point.y,
      }, svg('title', {}, `${point.label}: ${point.y.toFixed(4)}`)));
    }
  }
  return figure(title, chart);
}
