import { createRouter, createWebHashHistory, type Router } from 'vue-router';
import SignInView from './views/SignInView.vue';

// Hash history: the same URLs work under Electron's app:// scheme and the browser host.
export function createAppRouter(): Router {
  return createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: '/', name: 'sign-in', component: SignInView },
      { path: '/:pathMatch(.*)*', redirect: '/' },
    ],
  });
}
