import { hostnameFault } from './private/dns-name';
import { InputRules } from './private/input-rules';
import { ProblemCollector } from './private/problem-collector';

/** Transport protocol of an egress port. */
export enum EgressProtocol {
  /** TCP. */
  TCP = 'TCP',
  /** UDP. */
  UDP = 'UDP',
}

/** One port an agent may open. */
export interface EgressPort {
  /** Port number (1-65535). */
  readonly port: number;
  /**
   * Protocol.
   * @default EgressProtocol.TCP
   */
  readonly protocol?: EgressProtocol;
}

/** Cloud metadata endpoints live here; agents must never reach them. */
const LINK_LOCAL_V4 = '169.254.0.0/16';
/** Shared address space (RFC 6598): carrier-grade NAT, and pod or VPN ranges on some clouds (EKS, Tailscale). */
const SHARED_ADDRESS_V4 = '100.64.0.0/10';
/** NodeLocal DNSCache's default link-local listen address. */
const NODE_LOCAL_DNS = '169.254.20.10';
/** `EgressTarget.except` of each target, computed on first read. */
const COMPUTED_EXCEPT = new WeakMap<object, string[]>();

/**
 * Where an agent pod may send traffic: an IP block (with the link-local
 * metadata range and the shared address space always carved out), pods of
 * another namespace, or hostnames (`hosts`), which the fleet's
 * `hostnameEnforcement` enforces through an egress proxy or Cilium.
 */
export class EgressTarget {
  /** Cloud metadata range, kept out of every CIDR that contains it. */
  public static readonly METADATA_CIDR = LINK_LOCAL_V4;
  /** Shared address space (100.64.0.0/10), kept out of every CIDR that contains it. */
  public static readonly SHARED_ADDRESS_CIDR = SHARED_ADDRESS_V4;

  /**
   * Traffic to an IP block. If the block contains `169.254.0.0/16` that range
   * is added to `except` automatically; a block inside it is refused.
   */
  public static cidr(cidr: string, ports: EgressPort[], except?: string[]): EgressTarget {
    return new EgressTarget(ports, cidr, except ?? [], undefined, undefined, undefined, false);
  }

  /** Traffic to pods matching `podLabels` in namespace `namespace` (by its `kubernetes.io/metadata.name` label). */
  public static inCluster(namespace: string, podLabels: { [key: string]: string }, ports: EgressPort[]): EgressTarget {
    return new EgressTarget(ports, undefined, [], namespace, { ...podLabels }, undefined, false);
  }

  /**
   * Traffic to hostnames (e.g. `['sts.eu-west-1.amazonaws.com', 'api.openai.com']`)
   * on `ports`. A name may start with `*.` standing for exactly one label
   * (`*.s3.eu-west-1.amazonaws.com`). The fleet must set
   * `hostnameEnforcement`: NetworkPolicy alone cannot match names.
   */
  public static hosts(hostnames: string[], ports: EgressPort[]): EgressTarget {
    return new EgressTarget(ports, undefined, [], undefined, undefined, [...(hostnames ?? [])], false);
  }

  /**
   * A NodeLocal DNSCache listen address (default `169.254.20.10`) on port 53
   * UDP and TCP, as the DNS target of `PhaseNetworkPolicy`. The only
   * link-local block an agent may reach: one address, DNS ports only.
   */
  public static nodeLocalDns(address?: string): EgressTarget {
    return new EgressTarget([{ port: 53, protocol: EgressProtocol.UDP }, { port: 53, protocol: EgressProtocol.TCP }],
      `${address ?? NODE_LOCAL_DNS}/32`, [], undefined, undefined, undefined, true);
  }

  private constructor(
    /** Ports allowed to this target. */
    public readonly ports: EgressPort[],
    /** IP block, for CIDR targets. */
    public readonly ipBlock: string | undefined,
    private readonly userExcept: string[],
    /** Namespace, for in-cluster targets. */
    public readonly namespace: string | undefined,
    /** Pod labels, for in-cluster targets. */
    public readonly podLabels: { [key: string]: string } | undefined,
    /** Hostnames, for hostname targets. */
    public readonly hostnames: string[] | undefined,
    /** Whether this is a NodeLocal DNSCache address (`nodeLocalDns`). */
    public readonly isNodeLocalDns: boolean) {}

  /**
   * `except` ranges of a CIDR target, including the metadata range and the
   * shared address space when the block is wider than them.
   */
  public get except(): string[] {
    // The target is immutable: computed once (every phase's NetworkPolicy and contract row reads it), handed out
    // as copies; kept outside the object so that serializing a target shows the same fields before and after.
    let computed = COMPUTED_EXCEPT.get(this);
    if (computed === undefined) {
      const except = [...this.userExcept];
      const outer = this.ipBlock ? InputRules.parseIpv4Cidr(this.ipBlock) : undefined;
      for (const carved of [LINK_LOCAL_V4, SHARED_ADDRESS_V4]) {
        const inner = InputRules.parseIpv4Cidr(carved)!;
        if (outer && outer[1] < inner[1] && InputRules.ipv4Contains(this.ipBlock!, carved) && !except.includes(carved)) {
          except.push(carved);
        }
      }
      computed = except;
      COMPUTED_EXCEPT.set(this, computed);
    }
    return [...computed];
  }

  /**
   * Record every problem with this target.
   * @internal
   */
  public _validate(problems: ProblemCollector, path: string): void {
    if (this.ports.length === 0) {
      problems.add(path, 'ports', this.ports, 'an egress target needs at least one port',
        'list the ports the agent talks to, e.g. [{ port: 443 }]');
    }
    this.ports.forEach((p, i) => {
      if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
        problems.add(path, `ports[${i}].port`, p.port, 'is not a port number', 'use an integer from 1 to 65535');
      }
    });
    if (this.hostnames !== undefined) {
      this.validateHostnames(problems, path);
    }
    if (this.ipBlock !== undefined) {
      const parsed = InputRules.parseIpv4Cidr(this.ipBlock);
      if (!parsed) {
        problems.add(path, 'cidr', this.ipBlock, 'is not an IPv4 CIDR block', 'write it as a.b.c.d/n, e.g. "10.20.0.0/16"');
      } else if (this.isNodeLocalDns && parsed[1] !== 32) {
        problems.add(path, 'address', this.ipBlock, 'is not one IPv4 address', 'give the NodeLocal DNSCache address, e.g. "169.254.20.10"');
      } else if (InputRules.ipv4Contains(LINK_LOCAL_V4, this.ipBlock) && !this.isNodeLocalDns) {
        problems.add(path, 'cidr', this.ipBlock, 'targets the link-local range that holds cloud metadata endpoints',
          'agents must never reach 169.254.0.0/16; remove this target');
      }
      this.userExcept.forEach((e, i) => {
        if (!InputRules.parseIpv4Cidr(e) || !InputRules.ipv4Contains(this.ipBlock!, e)) {
          problems.add(path, `except[${i}]`, e, `is not an IPv4 CIDR block inside ${this.ipBlock}`,
            'list only sub-ranges of the target block');
        }
      });
    }
  }

  private validateHostnames(problems: ProblemCollector, path: string): void {
    const names = this.hostnames ?? [];
    if (names.length === 0) {
      problems.add(path, 'hostnames', names, 'lists no hostname', 'name the hosts agents call, e.g. ["api.openai.com"]');
    }
    const seen = new Set<string>();
    names.forEach((name, i) => {
      const fault = hostnameFault(name);
      if (fault) {
        problems.add(path, `hostnames[${i}]`, name, fault.message, fault.hint);
      } else if (seen.has(name)) {
        problems.add(path, `hostnames[${i}]`, name, 'is listed twice', 'list each hostname once');
      }
      seen.add(name);
    });
  }

  /** Short text for reports, e.g. `10.0.0.0/16:5432/TCP` or `hosts api.openai.com:443/TCP`. */
  public toString(): string {
    const ports = this.ports.map(p => `${p.port}/${p.protocol ?? EgressProtocol.TCP}`).join(',');
    if (this.hostnames) {
      return `hosts ${this.hostnames.join(',')}:${ports}`;
    }
    if (this.ipBlock) {
      const except = this.except;
      return `${this.ipBlock}${except.length ? ` (except ${except.join(', ')})` : ''}:${ports}`;
    }
    const labels = Object.entries(this.podLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    return `namespace ${this.namespace}${labels ? ` pods ${labels}` : ''}:${ports}`;
  }
}
