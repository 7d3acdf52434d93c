/** A dependency the API needs to serve requests; registered with the READINESS_CHECKS token. */
export interface ReadinessCheck {
  name: string;
  /** What the unauthenticated readiness answer says when it is down: names the dependency, not where it lives. */
  downMessage: string;
  /** `message`: the reason, with host, port and database, for the server's log only. */
  check(): Promise<{ up: boolean; message?: string }>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
