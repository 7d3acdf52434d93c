import { Routes } from '@angular/router';

import { adminGuard, authGuard, guestGuard } from './core/auth/auth.guards';
import { ROUTE_PATHS } from './core/routing/route-paths';
import { statsMatcher } from './core/routing/stats-url';

/** The route table; paths come from `ROUTE_PATHS`, every page is lazy. */
export const appRoutes: Routes = [
  {
    path: ROUTE_PATHS.login,
    title: 'Sign in',
    canActivate: [guestGuard],
    loadComponent: () => import('./pages/login/login.page').then((m) => m.LoginPage),
  },
  {
    path: '',
    canActivate: [authGuard],
    canActivateChild: [authGuard],
    loadComponent: () => import('./core/layout/shell.component').then((m) => m.ShellComponent),
    children: [
      {
        path: ROUTE_PATHS.overview,
        pathMatch: 'full',
        title: 'Overview',
        loadComponent: () => import('./pages/overview/overview.page').then((m) => m.OverviewPage),
      },
      {
        matcher: statsMatcher,
        title: (route) => [route.params['metric'], route.params['namespace']].filter(Boolean).join(' · '),
        loadComponent: () => import('./pages/stats/stats.page').then((m) => m.StatsPage),
      },
      { path: ROUTE_PATHS.stats, pathMatch: 'full', redirectTo: `${ROUTE_PATHS.stats}/cpu/usage_rate` },
      {
        path: ROUTE_PATHS.usage,
        title: 'Usage report',
        loadComponent: () => import('./pages/usage/usage.page').then((m) => m.UsagePage),
      },
      {
        path: ROUTE_PATHS.users,
        title: 'Users',
        canActivate: [adminGuard],
        loadComponent: () => import('./pages/users/users.page').then((m) => m.UsersPage),
      },
      {
        path: '**',
        title: 'Not found',
        loadComponent: () => import('./pages/not-found/not-found.page').then((m) => m.NotFoundPage),
      },
    ],
  },
];
