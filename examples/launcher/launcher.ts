import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
// Only the launcher entry: it loads without cdk8s or cdktf.
import { JobRenderer, LauncherContractLoader } from '../../lib/launcher';

/** Where the Kubernetes API is and how to authenticate. */
export interface ApiServer {
  /** Base URL, e.g. `https://kubernetes.default.svc`. */
  readonly url: string;
  /** Bearer token of the launcher's ServiceAccount (see `LauncherAccess`). */
  readonly token: string;
  /** CA bundle of the API server (PEM). */
  readonly ca?: Buffer;
}

/** What the API server returned for a created Job. */
export interface CreatedJob {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
}

/**
 * A minimal runtime launcher: validate the request, render the Job from the
 * launcher contract, create it with one API call. The launcher chooses an
 * id and a phase and nothing else; the renderer refuses anything it should
 * not choose, and the admission policy re-checks the Job in the cluster
 * even if this code were compromised.
 */
export class InvestigationLauncher {
  /** In a pod: the API server from the environment and a projected token. */
  public static inCluster(contractPath: string, agent: string,
    tokenPath = '/var/run/secrets/launcher/token'): InvestigationLauncher {
    const host = process.env.KUBERNETES_SERVICE_HOST;
    const port = process.env.KUBERNETES_SERVICE_PORT ?? '443';
    if (!host) {
      throw new Error('KUBERNETES_SERVICE_HOST is not set: not running in a pod; use new InvestigationLauncher(...)');
    }
    const ca = fs.readFileSync('/var/run/secrets/kubernetes.io/serviceaccount/ca.crt');
    return new InvestigationLauncher(contractPath, agent,
      { url: `https://${host}:${port}`, token: fs.readFileSync(tokenPath, 'utf8').trim(), ca });
  }

  private readonly renderer: JobRenderer;

  /** `contractPath`: a contract file, or a synth output folder holding the agent's contract ConfigMap. */
  public constructor(contractPath: string, agent: string, private readonly api: ApiServer) {
    this.renderer = new JobRenderer(LauncherContractLoader.fromPath(contractPath, agent));
  }

  /** Phases this launcher may start investigations in (up to the ceiling). */
  public get phases(): string[] {
    return this.renderer.allowedPhases;
  }

  /**
   * Create the Job of one investigation. Refusals (bad id, unknown phase,
   * above the ceiling) throw before any API call; API errors, such as an
   * admission denial, throw with the API server's message.
   */
  public async launch(investigationId: string, phase: string): Promise<CreatedJob> {
    const job = this.renderer.render({ investigationId, phase });
    const path = `/apis/batch/v1/namespaces/${encodeURIComponent(job.metadata.namespace)}/jobs`;
    const { status, body } = await this.post(path, JSON.stringify(job));
    const answer = body ? JSON.parse(body) : {};
    if (status < 200 || status > 299) {
      throw new Error(`creating Job ${job.metadata.name} failed (${status} ${answer.reason ?? ''}): ${answer.message ?? body}`);
    }
    return { name: answer.metadata.name, namespace: answer.metadata.namespace, uid: answer.metadata.uid };
  }

  private post(path: string, payload: string): Promise<{ status: number; body: string }> {
    const url = new URL(path, this.api.url);
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = client.request(url, {
        method: 'POST',
        ca: this.api.ca,
        headers: {
          'Authorization': `Bearer ${this.api.token}`,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(payload),
          // Let the API server reject unknown fields instead of dropping them.
          'Accept': 'application/json',
        },
        timeout: 10_000,
      }, res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer from ${url.origin} within 10 s`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

// Usage: node build/examples/launcher/launcher.js <contract file|dir> <agent> <id> <phase>
if (require.main === module) {
  const [contract, agent, id, phase] = process.argv.slice(2);
  InvestigationLauncher.inCluster(contract, agent).launch(id, phase)
    .then(job => console.log(`created ${job.namespace}/${job.name} (${job.uid})`))
    .catch(e => {
      console.error(e.message);
      process.exit(1);
    });
}
