/** A dependency the API needs to serve requests; registered with the READINESS_CHECKS token. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<{ up: boolean; message?: string }>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
