import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { CLIENT_KEY, getDefaultClient } from './api/client';
import { createAppRouter } from './router';
import './styles/nhs.css';

// The client first: in the browser host it takes its secret from the URL fragment, which
// the hash router would otherwise rewrite before anyone read it.
const client = getDefaultClient();

const app = createApp(App);
app.provide(CLIENT_KEY, client);
app.use(createPinia());
app.use(createAppRouter());
app.mount('#app');
