// Values shared by the pages: severity order and classes, and the filter helpers.
import { el } from '../dom.js';

export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'];
export const WORKFLOW_STATUSES = ['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED'];
export const RECORD_STATES = ['ACTIVE', 'ARCHIVED'];

export const severityClass = (label) => `sev sev-${String(label || 'NONE').toUpperCase()}`;

export function severityBadge(label) {
  return el('span', { class: `badge ${severityClass(label)}` }, label || '-');
}

// Returns an AwsSecurityFindingFilters object with one EQUALS condition per given value.
export function equalsFilters(values) {
  const filters = {};
  for (const [field, value] of Object.entries(values)) {
    if (value) {
      filters[field] = [{ Value: value, Comparison: 'EQUALS' }];
    }
  }
  return filters;
}

export function heading(text, ...rest) {
  return el('div', { class: 'page-heading' }, el('h1', {}, text), ...rest);
}
