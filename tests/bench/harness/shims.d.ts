// The harness pages import the renderer's single-file components and Vite's ?url assets;
// tsconfig.node.json has no vite/client types.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

declare module '*?url' {
  const url: string;
  export default url;
}
