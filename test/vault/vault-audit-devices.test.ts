import { Audit } from '@cdktf/provider-vault/lib/audit';
import { Testing } from 'cdktf';
import { AuditDevice, VaultAuditDevices } from '../../lib';
import { problemsOf, resources, stack } from './fixtures';

describe('VaultAuditDevices', () => {
  test('two devices by default: a file and syslog, never logging raw values', () => {
    const out = Testing.synthScope(scope => {
      new VaultAuditDevices(scope, 'Audit');
    });
    expect(out).toHaveResourceWithProperties(Audit, {
      type: 'file', path: 'agents-file', local: false,
      options: { file_path: '/vault/audit/vault-audit.log', log_raw: 'false' },
    });
    expect(out).toHaveResourceWithProperties(Audit, {
      type: 'syslog', path: 'agents-syslog', options: { tag: 'vault', facility: 'AUTH', log_raw: 'false' },
    });
    const json = JSON.parse(out);
    expect(Object.keys(resources(json, 'vault_audit'))).toHaveLength(2);
    expect(json).toMatchSnapshot();
    const audit = new VaultAuditDevices(stack(), 'Audit');
    expect(audit.node.metadata.filter(m => m.type === '@cdktf/warn')).toEqual([]);
  });

  test('configurable: file + socket', () => {
    const out = Testing.synthScope(scope => {
      new VaultAuditDevices(scope, 'Audit', { devices: [
        AuditDevice.file('/var/log/vault/audit.log', { path: 'primary' }),
        AuditDevice.socket('audit-collector.logging.svc:9090', { socketType: 'tcp' }),
      ] });
    });
    expect(out).toHaveResourceWithProperties(Audit, { type: 'file', path: 'primary' });
    expect(out).toHaveResourceWithProperties(Audit, {
      type: 'socket', path: 'agents-socket', options: { address: 'audit-collector.logging.svc:9090', socket_type: 'tcp', log_raw: 'false' },
    });
  });

  test('one device synthesizes with a warning that Vault blocks when it cannot write', () => {
    const s = stack();
    const audit = new VaultAuditDevices(s, 'Audit', { devices: [AuditDevice.file('/vault/audit/a.log')] });
    const warnings = audit.node.metadata.filter(m => m.type === '@cdktf/warn').map(m => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(/only one audit device .*Vault refuses every request/)]);
    expect(audit.resources).toHaveLength(1);
  });

  test('no device, duplicate paths, discard, relative paths and bad sockets are all reported', () => {
    expect(problemsOf(() => new VaultAuditDevices(stack(), 'Audit', { devices: [] }))).toEqual([
      expect.objectContaining({ path: 'test/Audit', field: 'devices', value: '[]', message: expect.stringMatching(/lists no audit device/) }),
    ]);
    const problems = problemsOf(() => new VaultAuditDevices(stack(), 'Audit', { devices: [
      AuditDevice.file('discard'),
      AuditDevice.file('audit.log', { path: 'agents-file' }),
      AuditDevice.socket('collector', { socketType: 'sctp' }),
      AuditDevice.socket('collector'),
    ] }));
    expect(problems.map(p => `${p.field} = ${p.value}: ${p.message}`)).toEqual([
      expect.stringMatching(/^devices\[0\]\.filePath = "discard": discards every entry/),
      expect.stringMatching(/^devices\[1\]\.path = "agents-file": is used by another device/),
      expect.stringMatching(/^devices\[1\]\.filePath = "audit\.log": is not an absolute file path/),
      expect.stringMatching(/^devices\[2\]\.socketType = "sctp": is not a socket type/),
      expect.stringMatching(/^devices\[3\]\.path = "agents-socket": is used by another device/),
      expect.stringMatching(/^devices\[3\]\.address = "collector": is not host:port/),
    ]);
  });
});
