import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { defaultChart } from '../../examples/default/k8s';
import { InvestigationLauncher } from '../../examples/launcher/launcher';

interface Seen { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: any }

/** A stand-in API server on loopback that records what the launcher sends. */
async function apiServer(status: number, answer: (body: any) => any): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer(body)));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise(r => server.close(() => r())) };
}

describe('examples/launcher: a minimal launcher over the contract', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-'));
  beforeAll(() => {
    const app = new App({ outdir });
    defaultChart(app);
    app.synth();
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('creates exactly the rendered Job with one authenticated POST', async () => {
    const api = await apiServer(201, body => ({ ...body, metadata: { ...body.metadata, uid: 'u-1' } }));
    try {
      const launcher = new InvestigationLauncher(outdir, 'diagnostics', { url: api.url, token: 'test-token' });
      expect(launcher.phases).toEqual(['shadow', 'read-only']);
      const created = await launcher.launch('inc-42', 'read-only');
      expect(created).toEqual({ name: 'investigation-inc-42', namespace: 'agents', uid: 'u-1' });
      expect(api.seen).toHaveLength(1);
      const [req] = api.seen;
      expect(req.method).toBe('POST');
      expect(req.url).toBe('/apis/batch/v1/namespaces/agents/jobs');
      expect(req.headers.authorization).toBe('Bearer test-token');
      expect(req.body.metadata.labels).toMatchObject({ 'investigation-id': 'inc-42', 'trust-phase': 'read-only' });
      expect(req.body.spec.template.spec.serviceAccountName).toBe('agent-phase-read-only');
    } finally {
      await api.close();
    }
  });

  test('a refused request never reaches the API server', async () => {
    const api = await apiServer(201, body => body);
    try {
      const launcher = new InvestigationLauncher(outdir, 'diagnostics', { url: api.url, token: 't' });
      await expect(launcher.launch('INC 42; rm -rf', 'read-only')).rejects.toThrow(/not a lowercase RFC 1123 label/);
      await expect(launcher.launch('inc-43', 'autonomous')).rejects.toThrow(/above the ceiling "read-only"/);
      expect(api.seen).toEqual([]);
    } finally {
      await api.close();
    }
  });

  test('an admission denial surfaces with the API server message', async () => {
    const api = await apiServer(422, () => ({
      kind: 'Status', status: 'Failure', reason: 'Invalid',
      message: 'jobs.batch "investigation-inc-44" is forbidden: ValidatingAdmissionPolicy denied request: phase above ceiling',
    }));
    try {
      const launcher = new InvestigationLauncher(outdir, 'diagnostics', { url: api.url, token: 't' });
      await expect(launcher.launch('inc-44', 'shadow'))
        .rejects.toThrow('creating Job investigation-inc-44 failed (422 Invalid): jobs.batch "investigation-inc-44" is forbidden: ValidatingAdmissionPolicy denied request: phase above ceiling');
    } finally {
      await api.close();
    }
  });
});
