// The harness imports the renderer's single-file components; tsconfig.node.json has no vite/client.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
