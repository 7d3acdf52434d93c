import { HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, throwError } from 'rxjs';

import { APP_CONFIG } from '../config/app-config';
import { loginCommands, ROUTE_PATHS } from '../routing/route-paths';
import { AuthService } from './auth.service';

const LOGIN_PATH = '/api/auth/login';
const LOGOUT_PATH = '/api/auth/logout';

/** True for requests to our API (never send the token anywhere else). */
export function isApiUrl(url: string, apiBaseUrl: string): boolean {
  return url.startsWith(`${apiBaseUrl}/api/`);
}

/**
 * Adds `Authorization: Bearer <token>` to API requests. A 401 on anything but the login and logout calls
 * means the token is missing, expired or revoked: the session is dropped and the user is sent to the
 * login page, with the current URL to come back to.
 */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  const { apiBaseUrl } = inject(APP_CONFIG);
  if (!isApiUrl(req.url, apiBaseUrl)) return next(req);

  const auth = inject(AuthService);
  const router = inject(Router);
  const isLogin = req.url === `${apiBaseUrl}${LOGIN_PATH}`;
  // The logout call carries its own token (the session is cleared before it is sent); its 401 means
  // the token was dead already, which is no reason to show the "session expired" page.
  const isLogout = req.url === `${apiBaseUrl}${LOGOUT_PATH}`;
  const token = isLogin || isLogout ? null : auth.token();
  const request = token ? req.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : req;

  return next(request).pipe(
    catchError((error: unknown) => {
      if (error instanceof HttpErrorResponse && error.status === 401 && !isLogin && !isLogout) {
        auth.forget();
        const current = router.url;
        if (!current.startsWith(`/${ROUTE_PATHS.login}`)) {
          void router.navigate(loginCommands(), { queryParams: { returnUrl: current, reason: 'expired' } });
        }
      }
      return throwError(() => error);
    }),
  );
};
