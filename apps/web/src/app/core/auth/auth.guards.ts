import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';

import { loginCommands, safeReturnUrl } from '../routing/route-paths';
import { AuthService } from './auth.service';

/** Signed-in users only; others go to the login page and come back afterwards. */
export const authGuard: CanActivateFn = (_route, state) => {
  const auth = inject(AuthService);
  if (auth.isAuthenticated()) return true;
  return inject(Router).createUrlTree(loginCommands(), { queryParams: { returnUrl: state.url } });
};

/** Admins only; viewers land on the overview. */
export const adminGuard: CanActivateFn = () => {
  const auth = inject(AuthService);
  if (auth.isAuthenticated() && auth.isAdmin()) return true;
  return inject(Router).createUrlTree(['/']);
};

/** The login page is skipped when a valid session exists. */
export const guestGuard: CanActivateFn = (route) => {
  const auth = inject(AuthService);
  if (!auth.isAuthenticated()) return true;
  return inject(Router).parseUrl(safeReturnUrl(route.queryParamMap.get('returnUrl')));
};
