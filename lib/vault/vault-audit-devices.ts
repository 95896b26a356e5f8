import { Audit } from '@cdktf/provider-vault/lib/audit';
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { AuditDevice } from './audit-device';
import { ProblemCollector } from '../model/private/problem-collector';

/** Props of `VaultAuditDevices`. */
export interface VaultAuditDevicesProps {
  /**
   * The devices. Keep at least two: Vault refuses every request that no
   * device could log, so one full disk or one unreachable collector would
   * stop every agent (and every other Vault client).
   * @default - a file device at `/vault/audit/vault-audit.log` and a syslog device
   */
  readonly devices?: AuditDevice[];
}

/** Default file device path on Vault's nodes. */
const DEFAULT_FILE_PATH = '/vault/audit/vault-audit.log';

/**
 * Vault audit devices (`vault_audit`), two by default, so every agent
 * request is recorded — with the token's metadata, which carries the
 * investigation when per-investigation identity is on. Audit devices are
 * server-wide: create them once per Vault, and skip this construct
 * (`AgentVaultTrust` `manageAuditDevices: false`) when they exist already.
 */
export class VaultAuditDevices extends Construct {

  /** The default devices: a file and syslog. */
  public static defaultDevices(): AuditDevice[] {
    return [AuditDevice.file(DEFAULT_FILE_PATH), AuditDevice.syslog()];
  }

  /** The devices, as given. */
  public readonly devices: AuditDevice[];
  /** The `vault_audit` resources, in the order of `devices`. */
  public readonly resources: Audit[];

  public constructor(scope: Construct, id: string, props: VaultAuditDevicesProps = {}) {
    super(scope, id);
    const problems = new ProblemCollector();
    const path = this.node.path;
    this.devices = [...(props.devices ?? VaultAuditDevices.defaultDevices())];
    if (this.devices.length === 0) {
      problems.add(path, 'devices', [], 'lists no audit device: Vault would record nothing, and refuses requests once audit is required',
        'keep the default (file + syslog) or list at least one device, preferably two');
    }
    this.devices.forEach((d, i) => {
      const f = `devices[${i}]`;
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(d.path)) {
        problems.add(path, `${f}.path`, d.path, 'is not a Vault audit device path', 'use letters, digits, "-", "_", ".", e.g. "agents-file"');
      }
      if (this.devices.findIndex(o => o.path === d.path) !== i) {
        problems.add(path, `${f}.path`, d.path, 'is used by another device', 'give every device its own path option');
      }
      if (d.type === 'file' && d.target !== 'stdout' && !/^\/[^\s]*[^/\s]$/.test(d.target)) {
        problems.add(path, `${f}.filePath`, d.target,
          d.target === 'discard' ? 'discards every entry, which defeats auditing' : 'is not an absolute file path (or "stdout")',
          'use e.g. "/vault/audit/vault-audit.log" on a volume with room to grow');
      }
      if (d.type === 'socket') {
        const socketType = d.options.socket_type;
        if (!AuditDevice.SOCKET_TYPES.includes(socketType)) {
          problems.add(path, `${f}.socketType`, socketType, 'is not a socket type', `use one of ${AuditDevice.SOCKET_TYPES.join(', ')}`);
        } else if (socketType !== 'unix' && !/^[^\s:/]+:[0-9]{1,5}$/.test(d.target)) {
          problems.add(path, `${f}.address`, d.target, 'is not host:port', 'e.g. "audit-collector.logging.svc:9090"');
        }
      }
    });
    problems.throwIfAny(path);
    if (this.devices.length === 1) {
      Annotations.of(this).addWarning(`${path}: only one audit device (${this.devices[0]}): if it cannot write, Vault refuses every request. Add a second device.`);
    }
    this.resources = this.devices.map((d, i) => new Audit(this, i === 0 ? 'Resource' : d.path, {
      type: d.type,
      path: d.path,
      description: d.description ?? `cdk-agent-trust: ${d.type} audit device`,
      local: false,
      options: { ...d.options, log_raw: 'false' },
    }));
  }
}
