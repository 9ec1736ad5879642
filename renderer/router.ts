import { createRouter, createWebHashHistory, type RouteLocationNormalized, type Router } from 'vue-router';
import type { WorklistKind } from '../contract';
import AdviceView from './review/views/AdviceView.vue';
import ReferralView from './review/views/ReferralView.vue';

const FIRST_LIST = '/worklists/referrals';

// The worklists are the first screen after sign-in, but not part of the sign-in screen's
// bundle: loaded when the router first needs them.
const WorklistsView = () => import('./worklist/views/WorklistsView.vue');
// The review screens open at once from the list (the heavy viewers, pdf.js and the TIFF
// decoder, are their own chunks inside them, loaded with the first PDF or TIFF).

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
      {
        path: '/referral/:ubrn(\\d{12})',
        name: 'referral',
        component: ReferralView,
        props: (route) => ({ ubrn: param(route, 'ubrn') }),
      },
      {
        path: '/advice/:id([A-Za-z0-9._-]{1,100})',
        name: 'advice',
        component: AdviceView,
        props: (route) => ({ id: param(route, 'id') }),
      },
      { path: '/:pathMatch(.*)*', redirect: FIRST_LIST },
    ],
  });
}
