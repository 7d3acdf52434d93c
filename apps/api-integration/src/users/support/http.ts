import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import type { LoginResponse } from '@kube-monitoring/contract';
import { noteSecret } from '@kube-monitoring/testing';

export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

let lastAddress = 0;
/** A client address never used before in this process, so per-address login throttling stays out of the way. */
export function freshAddress(): string {
  lastAddress += 1;
  return `10.${(lastAddress >> 16) & 255}.${(lastAddress >> 8) & 255}.${lastAddress & 255}`;
}

export async function call<T = unknown>(
  app: NestFastifyApplication,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string>; address?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  // Every password a suite sends must stay out of the logs (checked after each suite).
  noteSecret((options.body as { password?: unknown } | undefined)?.password);
  noteSecret(headers['x-password']);
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  const res = await app.inject({
    method,
    url,
    headers,
    remoteAddress: options.address ?? freshAddress(),
    ...(options.body !== undefined ? { payload: options.body as object } : {}),
  });
  const text = res.body;
  return { status: res.statusCode, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
}

export function login(app: NestFastifyApplication, username: string, password: string, address?: string): Promise<Answer<LoginResponse>> {
  return call<LoginResponse>(app, 'POST', '/api/auth/login', { body: { username, password }, address });
}

/** Logs in and returns the token, failing the test with the answer when login does not succeed. */
export async function tokenFor(app: NestFastifyApplication, username: string, password: string): Promise<string> {
  const res = await login(app, username, password);
  if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}
