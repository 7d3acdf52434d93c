import { HttpClient, HttpHeaders } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { map, Observable } from 'rxjs';

import type {
  AggregationRow,
  CreateUserRequest,
  EmptySetResponse,
  LoginRequest,
  LoginResponse,
  MetricInfo,
  MetricQueryBody,
  MetricQueryResponse,
  NamespacesResponse,
  RawPoint,
  SeriesRequest,
  SeriesResponse,
  UpdateUserRequest,
  UsageReport,
  UsageReportRequest,
  UserView,
} from '@kube-monitoring/contract';

import { APP_CONFIG } from '../config/app-config';

export function isEmptySet(body: unknown): body is EmptySetResponse {
  return !!body && typeof body === 'object' && !Array.isArray(body) && (body as { code?: unknown }).code === 200 && typeof (body as { message?: unknown }).message === 'string';
}

/** `cpu/usage_rate` → `cpu/usage_rate` with each segment URL-encoded (the slash is part of the path). */
export function metricPath(metric: string): string {
  return metric
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/** Typed client for the dashboard API (`/api/auth`, `/api/ui`, `/api/users`). */
@Injectable({ providedIn: 'root' })
export class ApiService {
  private readonly http = inject(HttpClient);
  private readonly baseUrl = inject(APP_CONFIG).apiBaseUrl;

  /** Absolute or root-relative URL of an API path such as `/api/ui/metrics`. */
  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  login(body: LoginRequest): Observable<LoginResponse> {
    return this.http.post<LoginResponse>(this.url('/api/auth/login'), body);
  }

  /** Revokes the user's tokens. The token is passed in: the session is already gone from storage. */
  logout(token: string): Observable<void> {
    return this.http.post<void>(this.url('/api/auth/logout'), null, { headers: new HttpHeaders({ Authorization: `Bearer ${token}` }) });
  }

  me(): Observable<UserView> {
    return this.http.get<UserView>(this.url('/api/auth/me'));
  }

  metrics(): Observable<MetricInfo[]> {
    return this.http.get<MetricInfo[]>(this.url('/api/ui/metrics'));
  }

  namespaces(): Observable<string[]> {
    return this.http.get<NamespacesResponse>(this.url('/api/ui/namespaces')).pipe(map((r) => r.namespaces));
  }

  /** `POST /api/ui/{metric}`; the seed's "empty set" answer becomes `[]`. */
  query(metric: string, body: MetricQueryBody): Observable<RawPoint[] | AggregationRow[]> {
    return this.http.post<MetricQueryResponse>(this.url(`/api/ui/${metricPath(metric)}`), body).pipe(map((response) => (isEmptySet(response) ? [] : response)));
  }

  /** Raw points, newest first (no `agg`). */
  rawPoints(metric: string, body: Omit<MetricQueryBody, 'agg'>): Observable<RawPoint[]> {
    return this.query(metric, body) as Observable<RawPoint[]>;
  }

  series(metric: string, body: SeriesRequest): Observable<SeriesResponse> {
    return this.http.post<SeriesResponse>(this.url(`/api/ui/series/${metricPath(metric)}`), body);
  }

  usage(body: UsageReportRequest): Observable<UsageReport> {
    return this.http.post<UsageReport>(this.url('/api/ui/usage'), body);
  }

  /** The same report as CSV text (header row, one row per group). */
  usageCsv(body: UsageReportRequest): Observable<string> {
    return this.http.post(this.url('/api/ui/usage'), body, {
      headers: new HttpHeaders({ Accept: 'text/csv' }),
      responseType: 'text',
    });
  }

  listUsers(): Observable<UserView[]> {
    return this.http.get<UserView[]>(this.url('/api/users'));
  }

  createUser(body: CreateUserRequest): Observable<UserView> {
    return this.http.post<UserView>(this.url('/api/users'), body);
  }

  updateUser(username: string, body: UpdateUserRequest): Observable<UserView> {
    return this.http.patch<UserView>(this.url(`/api/users/${encodeURIComponent(username)}`), body);
  }

  deleteUser(username: string): Observable<void> {
    return this.http.delete<void>(this.url(`/api/users/${encodeURIComponent(username)}`));
  }
}
