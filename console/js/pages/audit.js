// Audit trail: the newest entries of the hash-chained audit log and the result of verifying
// the whole chain.
import { get } from '../api.js';
import { el, formatTime, replaceChildren, table } from '../dom.js';
import { heading } from './common.js';

const SHOWN = 200;

function verifyBanner(report) {
  if (report.Valid) {
    return el('p', { id: 'audit-verify', class: 'ok', 'data-valid': 'true' },
      `Chain verified: ${report.Entries} entries, every hash matches.`);
  }
  return el('p', { id: 'audit-verify', class: 'error', 'data-valid': 'false' },
    `Chain broken at entry ${report.FirstBadSequence}: ${report.Problem}`);
}

export async function renderAudit(main, params, current) {
  const report = await get('/v1/audit/verify');
  const after = Math.max(0, report.Entries - SHOWN);
  const entries = await get(`/v1/audit/entries?after=${after}&limit=${SHOWN}`);
  if (!current()) {
    return;
  }
  const rows = entries.Entries.slice().reverse().map((entry) =>
    el('tr', { 'data-sequence': entry.sequence },
      el('td', { class: 'number' }, String(entry.sequence)),
      el('td', {}, formatTime(entry.time)),
      el('td', {}, entry.actor),
      el('td', {}, entry.action),
      el('td', {}, entry.subject),
      el('td', {}, el('code', { class: 'details' }, JSON.stringify(entry.details)))));
  const verify = el('button', { type: 'button', id: 'verify-again' }, 'Verify again');
  verify.addEventListener('click', async () => {
    verify.disabled = true;
    document.getElementById('audit-verify').replaceWith(verifyBanner(await get('/v1/audit/verify')));
    verify.disabled = false;
  });
  replaceChildren(main,
    heading('Audit trail', verify),
    verifyBanner(report),
    el('p', { class: 'muted' }, report.Entries > SHOWN ?
      `The newest ${SHOWN} of ${report.Entries} entries, newest first.` : 'Newest first.'),
    table(['#', 'Time', 'Actor', 'Action', 'Subject', 'Details'], rows,
      { id: 'audit-table', class: 'data' }));
}
