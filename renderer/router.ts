import { createRouter, createWebHashHistory, type RouteLocationNormalized, type Router } from 'vue-router';
import type { WorklistKind } from '../electron/api';
import PlaceholderItemView from './views/PlaceholderItemView.vue';

const FIRST_LIST = '/worklists/referrals';

// The worklists are the first screen after sign-in, but not part of the sign-in screen's
// bundle: loaded when the router first needs them.
const WorklistsView = () => import('./views/WorklistsView.vue');

function worklist(kind: WorklistKind) {
  return { path: `/worklists/${kind}`, name: `worklist-${kind}`, component: WorklistsView, props: { kind } };
}

function param(route: RouteLocationNormalized, name: string): string {
  const value = route.params[name];
  return Array.isArray(value) ? value.join('/') : (value ?? '');
}

// Hash history: the same URLs work under Electron's app:// scheme and the browser host.
export function createAppRouter(): Router {
  return createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: '/', redirect: FIRST_LIST },
      { path: '/worklists', redirect: FIRST_LIST },
      worklist('referrals'),
      worklist('triage'),
      worklist('advice'),
      // Placeholders, to be replaced by the referral and A&G screens.
      {
        path: '/referral/:ubrn(\\d{12})',
        name: 'referral-placeholder',
        component: PlaceholderItemView,
        props: (route) => ({ heading: `Referral ${param(route, 'ubrn')}`, fallback: FIRST_LIST }),
      },
      {
        path: '/advice/:id([A-Za-z0-9._-]{1,100})',
        name: 'advice-placeholder',
        component: PlaceholderItemView,
        props: (route) => ({ heading: `Advice request ${param(route, 'id')}`, fallback: '/worklists/advice' }),
      },
      { path: '/:pathMatch(.*)*', redirect: FIRST_LIST },
    ],
  });
}
