// Seeds a temporary Rampart database with real findings, a GitOps change, a remediation
// awaiting approval and an anomaly model, and starts `rampart serve` on it.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const rampart = process.env.RAMPART_BIN || join(repo, 'build', 'rampart');
export const sharedFindings = join(process.env.RAMPART_SHARED_DATA ||
  join(repo, '..', 'shared', 'data'), 'findings');

// The rules of the example, less the one that needs a Kubernetes API server: a GitOps image
// bump (a commit with a diff), a finding update (history) and a page that waits for approval.
const RULES = `rules:
  - name: bump-payments-image
    mode: enforce
    event_pattern:
      detail-type: ["Security Hub Findings - Imported"]
      detail:
        findings:
          Severity: {Label: [HIGH, CRITICAL]}
          Resources:
            Type: [Container]
            Id: [{prefix: "registry.pocketbank.internal/payments:"}]
    guardrails: {cooldown: 1h, allow: {repositories: [manifests]}}
    targets:
      - action: gitops.bump-image
        params: {repository: manifests, tag: 2.4.2, author_name: Rampart, author_email: rampart@pocketbank.internal}
  - name: notify-cis-failures
    mode: enforce
    event_pattern:
      detail:
        findings:
          GeneratorId: [{prefix: "kube-bench/"}]
          Compliance: {Status: [FAILED]}
          Workflow: {Status: [NEW]}
    targets:
      - action: finding.update
        params: {workflow_status: NOTIFIED, note: Sent to the platform team's CIS backlog}
  - name: page-on-public-bucket
    mode: enforce
    event_pattern:
      source: [aws.securityhub]
      detail:
        findings:
          Compliance: {SecurityControlId: [S3.8], Status: [FAILED]}
    guardrails: {approval: true}
    targets:
      - action: exec
        params: {argv: ["/bin/echo", "paged the on-call engineer"]}
`;

function run(args, options = {}) {
  return execFileSync(rampart, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

// A load series of 480 five-minute steps: a daily-like wave, deterministic noise and a burst
// at rows 400 to 404, which the model should score highest.
function loadSeries() {
  const start = Date.parse('2024-03-01T00:00:00Z');
  const lines = ['timestamp,load'];
  for (let row = 0; row < 480; row += 1) {
    const time = new Date(start + row * 300000).toISOString().slice(0, 19).replace('T', ' ');
    const noise = ((row * 7919) % 13) / 13;
    let load = 40 + 15 * Math.sin((2 * Math.PI * row) / 96) + noise;
    if (row >= 400 && row < 405) {
      load += 60;
    }
    lines.push(`${time},${load.toFixed(3)}`);
  }
  return `${lines.join('\n')}\n`;
}

function initManifests(folder) {
  const git = (...args) => execFileSync('git', ['-C', folder, '-c', 'user.name=PocketBank',
    '-c', 'user.email=ops@pocketbank.internal', ...args], { stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'PocketBank manifests');
}

// Builds the work folder and database; returns their paths and the tokens.
export function seed() {
  if (!existsSync(rampart)) {
    throw new Error(`${rampart} is missing: build it first with cmake --build build --target rampart`);
  }
  const work = mkdtempSync(join(tmpdir(), 'rampart-e2e-'));
  cpSync(join(repo, 'examples'), work, { recursive: true });
  writeFileSync(join(work, 'rules.yaml'), RULES);
  initManifests(join(work, 'manifests'));
  const db = join(work, 'rampart.db');

  let shared = false;
  if (existsSync(sharedFindings)) {
    // Files of other kinds in the folder (a rules file, a text report) are rejected with exit
    // status 1 while the findings of every readable report are stored.
    try {
      run(['ingest', '--db', db, sharedFindings]);
    } catch (error) {
      if (error.status !== 1) {
        throw error;
      }
    }
    shared = true;
  } else {
    console.log('../shared/data is absent: seeding with the bundled examples only');
  }
  run(['run', '--config', 'rampart.yaml', '--once'], { cwd: work });

  const models = join(work, 'models');
  mkdirSync(models);
  writeFileSync(join(models, 'load.csv'), loadSeries());
  run(['model', 'train', '--algorithm', 'rcf', '--input', join(models, 'load.csv'), '--seed', '7',
    '--out', join(models, 'load.model')]);

  const token = (scopes, name) => run(['token', 'create', '--name', name, '--scopes', scopes,
    '--db', db]).trim().split('\n').pop().trim();
  return {
    work, db, models, shared,
    adminToken: token('admin', 'e2e-admin'),
    readToken: token('read', 'e2e-reader'),
  };
}

// Starts `rampart serve` on a free port of 127.0.0.1 and resolves with its base URL once it
// logs that it listens.
export function serve(seeded) {
  const child = spawn(rampart, ['serve', '--listen', '127.0.0.1:0', '--db', seeded.db,
    '--rules', join(seeded.work, 'rules.yaml'), '--models', seeded.models],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolvePromise, reject) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        resolvePromise({ child, url: `http://127.0.0.1:${match[1]}` });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`rampart serve exited with ${code}: ${output}`)));
  });
}

export function cleanUp(seeded, server) {
  if (server) {
    server.child.kill('SIGTERM');
  }
  if (seeded) {
    rmSync(seeded.work, { recursive: true, force: true });
  }
}

export { run };
