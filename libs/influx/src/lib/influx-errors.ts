/** InfluxDB could not be reached (connection refused, reset, DNS): the API answers 503. */
export class InfluxUnreachableError extends Error {
  override readonly name = 'InfluxUnreachableError';
}

/** InfluxDB accepted the connection but did not answer within the timeout: the API answers 504. */
export class InfluxTimeoutError extends Error {
  override readonly name = 'InfluxTimeoutError';
}

/** InfluxDB answered with an error (bad query, auth, server error): the API answers 502. */
export class InfluxQueryError extends Error {
  override readonly name = 'InfluxQueryError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
