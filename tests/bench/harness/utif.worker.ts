/** utif alone in a worker: what moving the decode off the main thread costs, with nothing else. */
import { decodeFirstPage } from './utif-page';

interface Scope {
  onmessage: ((event: MessageEvent<ArrayBuffer>) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
}

const scope = self as unknown as Scope;
scope.onmessage = (event) => {
  const page = decodeFirstPage(event.data);
  const rgba = page.rgba.slice().buffer;
  scope.postMessage({ width: page.width, height: page.height, rgba }, [rgba]);
};
