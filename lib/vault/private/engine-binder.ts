import type { SshSecretBackendCa } from '@cdktf/provider-vault/lib/ssh-secret-backend-ca';
import type { TerraformResource } from 'cdktf';
import type { SecretEngineKind } from '../../model';
import type {
  AwsStsEngineProps, DatabaseEngineProps, KubernetesEngineProps, KvV2EngineProps, SshCertificatesEngineProps,
} from '../engine-config';

/** The resources one engine kind created. */
export interface RenderedEngine {
  readonly mount: TerraformResource;
  readonly roles: TerraformResource[];
  readonly sshCa?: SshSecretBackendCa;
}

/**
 * One renderer per engine kind, each taking that kind's typed props: an
 * `EngineConfig` calls the one of its kind, so adding a kind is a factory
 * plus a method here that every engine construct must implement (the
 * compiler finds the missing one; there is no silent default).
 * Each returns the function that creates the resources once all props are validated.
 */
export interface EngineBinder {
  database(kind: SecretEngineKind, props: DatabaseEngineProps, schemas: string[] | undefined, databases: string[] | undefined,
    maxConnections: number | undefined): () => RenderedEngine;
  awsSts(props: AwsStsEngineProps): () => RenderedEngine;
  kubernetes(props: KubernetesEngineProps): () => RenderedEngine;
  sshCertificates(props: SshCertificatesEngineProps): () => RenderedEngine;
  kvV2(props: KvV2EngineProps): () => RenderedEngine;
}
