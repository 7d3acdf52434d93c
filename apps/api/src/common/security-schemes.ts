/** OpenAPI names of the two header security schemes of the billing client (both must be sent). */
export const SERVICE_USERNAME_SCHEME = 'serviceUsername';
export const SERVICE_PASSWORD_SCHEME = 'servicePassword';

/** OpenAPI name of the bearer scheme used by the `/api/ui` mount and the user endpoints. */
export const JWT_SCHEME = 'jwt';

/** An API key (`X-API-KEY`), beside the service credentials on every service endpoint. */
export const API_KEY_SCHEME = 'apiKey';
