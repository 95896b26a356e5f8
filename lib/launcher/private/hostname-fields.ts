import { hostnameFault } from '../../model/private/dns-name';
import { ProblemCollector } from '../../model/private/problem-collector';

const ENFORCEMENTS = ['egress-proxy', 'cilium'];
const PROXY_URL = /^http:\/\/[a-z0-9]([-a-z0-9]*[a-z0-9])?\.[a-z0-9]([-a-z0-9]*[a-z0-9])?\.svc:([0-9]{1,5})$/;

/**
 * The optional hostname-egress fields of a launcher contract (added within
 * v1alpha1, so older contracts without them stay valid): the enforcement,
 * each phase's hostname grants and proxy URL, and that they agree.
 */
export function checkHostnameFields(problems: ProblemCollector, path: string, doc: any): void {
  const enforcement = doc.hostnameEnforcement;
  if (enforcement !== undefined && !ENFORCEMENTS.includes(enforcement)) {
    problems.add(path, 'hostnameEnforcement', enforcement, `is not one of ${ENFORCEMENTS.join(', ')}`, 'regenerate the contract from the fleet');
  }
  if (!Array.isArray(doc.phases)) {
    return;
  }
  doc.phases.forEach((row: any, i: number) => {
    if (row === null || typeof row !== 'object') {
      return;
    }
    const f = `phases[${i}]`;
    const grants = row.egressHostnames;
    if (grants !== undefined) {
      if (!Array.isArray(grants)) {
        problems.add(path, `${f}.egressHostnames`, grants, 'must be a list of { hostname, port, protocol }', 'regenerate the contract from the fleet');
      } else {
        grants.forEach((g: any, j: number) => checkGrant(problems, path, `${f}.egressHostnames[${j}]`, g));
        if (grants.length > 0 && enforcement === undefined) {
          problems.add(path, `${f}.egressHostnames`, grants.length, 'lists hostnames but the contract states no hostnameEnforcement',
            'regenerate the contract from a fleet with hostnameEnforcement');
        }
      }
    }
    const proxy = row.egressProxy;
    if (proxy !== undefined) {
      const m = typeof proxy === 'string' ? PROXY_URL.exec(proxy) : null;
      if (!m || Number(m[3]) < 1 || Number(m[3]) > 65535) {
        problems.add(path, `${f}.egressProxy`, proxy, 'is not an in-cluster proxy URL http://<service>.<namespace>.svc:<port>',
          'regenerate the contract from the fleet (HostnameEnforcement.egressProxy)');
      } else if (enforcement !== 'egress-proxy') {
        problems.add(path, `${f}.egressProxy`, proxy, `is set but hostnameEnforcement is ${JSON.stringify(enforcement ?? '(unset)')}`,
          'regenerate the contract from the fleet');
      }
    }
  });
}

function checkGrant(problems: ProblemCollector, path: string, f: string, g: any): void {
  if (g === null || typeof g !== 'object' || Array.isArray(g)) {
    problems.add(path, f, g, 'must be { hostname, port, protocol }', 'regenerate the contract from the fleet');
    return;
  }
  const fault = hostnameFault(g.hostname);
  if (fault) {
    problems.add(path, `${f}.hostname`, g.hostname, fault.message, fault.hint);
  }
  if (!Number.isInteger(g.port) || g.port < 1 || g.port > 65535) {
    problems.add(path, `${f}.port`, g.port, 'is not a port number', 'use an integer from 1 to 65535');
  }
  if (g.protocol !== 'TCP' && g.protocol !== 'UDP') {
    problems.add(path, `${f}.protocol`, g.protocol, 'must be "TCP" or "UDP"', 'regenerate the contract from the fleet');
  }
}
