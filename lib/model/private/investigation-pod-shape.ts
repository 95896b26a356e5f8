/** One source of a projected volume, as the admission compares it. */
export interface ProjectedSourceShape {
  /** The source type: `serviceAccountToken`, `configMap`, `downwardAPI`, … */
  readonly kind: string;
  /**
   * Audience of a `serviceAccountToken` source; "" for the API server's own audience.
   * @default - not a token source
   */
  readonly audience?: string;
  /**
   * Longest lifetime of a `serviceAccountToken` source, in seconds.
   * @default - not a token source
   */
  readonly maxExpirationSeconds?: number;
  /**
   * Name of a `configMap` source.
   * @default - not a configMap source
   */
  readonly configMapName?: string;
}

/** One volume an investigation Pod may have. */
export interface PodVolumeShape {
  /** Volume name. */
  readonly name: string;
  /** Its source type, the one key besides `name` (`emptyDir`, `projected`, …). */
  readonly kind: string;
  /**
   * The sources of a projected volume, in order.
   * @default - not a projected volume
   */
  readonly projectedSources?: ProjectedSourceShape[];
}

/**
 * What an agent's investigation Pod may contain, from its launcher
 * contract: the containers and init containers by name, and the volumes by
 * name and type.
 */
export interface InvestigationPodShape {
  /** The agent. */
  readonly agent: string;
  /** Names of the containers, exactly these. */
  readonly containers: string[];
  /** Names of the init containers allowed (a subset may be present). */
  readonly initContainers: string[];
  /** The volumes allowed (a subset may be present). */
  readonly volumes: PodVolumeShape[];
}
