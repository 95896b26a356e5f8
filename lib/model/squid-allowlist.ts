import type { AgentFleet } from './agent-fleet';
import { PhaseHostnames } from './phase-hostnames';

/**
 * The egress proxy's allowlist as a Squid configuration (Squid 5/6 syntax):
 * one `http_port` per trust phase, so the proxy knows a client's phase by
 * the port it connects to (each phase's NetworkPolicy reaches only its own
 * port), and per phase and port a `dstdomain` ACL of exact names and a
 * `dstdom_regex` ACL of one-label wildcards. Everything else is denied.
 * `-n` keeps Squid from matching an IP-address request by reverse DNS.
 */
export class SquidAllowlist {
  /** ConfigMap key of the Squid configuration. */
  public static readonly CONFIG_KEY = 'squid.conf';

  /** ConfigMap key of a phase's plain hostname list (`hostname:port/PROTOCOL` per line). */
  public static hostsKey(phase: string): string {
    return `${phase}.hosts`;
  }

  /** The plain hostname list of every phase, keyed by `hostsKey`. */
  public static hostLists(fleet: AgentFleet): { [key: string]: string } {
    const out: { [key: string]: string } = {};
    for (const phase of fleet.renderedPhases) {
      const grants = PhaseHostnames.of(fleet, phase);
      out[SquidAllowlist.hostsKey(phase.name)] = grants.map(g => `${PhaseHostnames.describe(g)}\n`).join('');
    }
    return out;
  }

  /** The Squid configuration; empty string when the fleet does not use an egress proxy. */
  public static render(fleet: AgentFleet): string {
    const enforcement = fleet.hostnameEnforcement;
    if (!enforcement?.isProxy) {
      return '';
    }
    const lines = [
      `# cdk-agent-trust: hostname egress of the agents in namespace "${fleet.namespace}". Generated; do not edit.`,
      '# One port per trust phase: each phase\'s NetworkPolicy lets its pods reach only their own port.',
    ];
    // Rendered phases only (a prefix of the ladder, so the ports keep their ranks): no pod can run above the highest ceiling.
    const phases = fleet.renderedPhases;
    phases.forEach((phase, rank) => lines.push(`http_port ${enforcement.proxyPort(rank)} name=${phase.name}`));
    const ports = new Set<number>();
    const access: string[] = [];
    const acls: string[] = [];
    for (const phase of phases) {
      const grants = PhaseHostnames.of(fleet, phase);
      if (grants.length === 0) {
        continue;
      }
      acls.push(`acl phase_${phase.name} myportname ${phase.name}`);
      for (const port of [...new Set(grants.map(g => g.port))].sort((a, b) => a - b)) {
        ports.add(port);
        const names = grants.filter(g => g.port === port).map(g => g.hostname);
        const exact = names.filter(n => !PhaseHostnames.isWildcard(n));
        const wild = names.filter(n => PhaseHostnames.isWildcard(n));
        if (exact.length > 0) {
          acls.push(`acl hosts_${phase.name}_${port} dstdomain -n ${exact.join(' ')}`);
          access.push(`http_access allow phase_${phase.name} port_${port} hosts_${phase.name}_${port}`);
        }
        if (wild.length > 0) {
          // "*." stands for exactly one label, as Cilium's matchPattern does.
          const regexes = wild.map(n => `^[^.]+${n.slice(1).replace(/\./g, '\\.')}$`);
          acls.push(`acl hostre_${phase.name}_${port} dstdom_regex -n -i ${regexes.join(' ')}`);
          access.push(`http_access allow phase_${phase.name} port_${port} hostre_${phase.name}_${port}`);
        }
      }
    }
    lines.push(...[...ports].sort((a, b) => a - b).map(p => `acl port_${p} port ${p}`), ...acls, ...access,
      'http_access deny all',
      '# A forward proxy for agents, not a cache; agents\' pod addresses stay inside the cluster.',
      'cache deny all',
      'forwarded_for delete');
    return lines.join('\n') + '\n';
  }

  private constructor() {}
}
