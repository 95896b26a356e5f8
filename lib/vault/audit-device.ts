/** Options common to every audit device. */
export interface AuditDeviceOptions {
  /**
   * Path the device is enabled at (its name in `vault audit list`).
   * @default - "agents-<type>"
   */
  readonly path?: string;
  /**
   * Description shown by Vault.
   * @default - names the library
   */
  readonly description?: string;
}

/** Options of a socket audit device. */
export interface SocketAuditDeviceOptions extends AuditDeviceOptions {
  /**
   * Socket type: `tcp`, `udp` or `unix`.
   * @default "tcp"
   */
  readonly socketType?: string;
}

/** Options of a syslog audit device. */
export interface SyslogAuditDeviceOptions extends AuditDeviceOptions {
  /**
   * Syslog tag.
   * @default "vault"
   */
  readonly tag?: string;
  /**
   * Syslog facility.
   * @default "AUTH"
   */
  readonly facility?: string;
}

/**
 * One Vault audit device. Sensitive strings are HMAC'd (never logged raw:
 * `log_raw` is pinned to false), and Vault answers a request only if at
 * least one device logged it.
 * @see https://developer.hashicorp.com/vault/docs/audit
 */
export class AuditDevice {
  /** The socket types Vault's socket device accepts. */
  public static readonly SOCKET_TYPES: string[] = ['tcp', 'udp', 'unix'];

  /** A file device writing to `filePath` (an absolute path on Vault's nodes, or `stdout`). */
  public static file(filePath: string, options: AuditDeviceOptions = {}): AuditDevice {
    return new AuditDevice('file', options.path ?? 'agents-file', { file_path: filePath }, 'filePath', filePath, options.description);
  }

  /** A socket device sending to `address` (`host:port`, or a socket path for `unix`). */
  public static socket(address: string, options: SocketAuditDeviceOptions = {}): AuditDevice {
    return new AuditDevice('socket', options.path ?? 'agents-socket',
      { address, socket_type: options.socketType ?? 'tcp' }, 'address', address, options.description);
  }

  /** A syslog device (local syslog of each Vault node). */
  public static syslog(options: SyslogAuditDeviceOptions = {}): AuditDevice {
    return new AuditDevice('syslog', options.path ?? 'agents-syslog',
      { tag: options.tag ?? 'vault', facility: options.facility ?? 'AUTH' }, 'tag', options.tag ?? 'vault', options.description);
  }

  private constructor(
    /** Device type (`file`, `socket`, `syslog`). */
    public readonly type: string,
    /** Path the device is enabled at. */
    public readonly path: string,
    /** Type-specific options as Vault takes them (`log_raw` is added as false). */
    public readonly options: { [key: string]: string },
    /** Name of the option that locates the device (for error messages). */
    public readonly targetField: string,
    /** The value of that option. */
    public readonly target: string,
    /** Description, if given. */
    public readonly description?: string) {}

  public toString(): string {
    return `${this.type} device "${this.path}" (${this.targetField} ${JSON.stringify(this.target)})`;
  }
}
