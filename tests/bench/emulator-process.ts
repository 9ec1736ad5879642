/**
 * A second copy of the bench's e-RS emulator, in a process of its own (started by
 * prefetch.ts with fork), because e-RS is a server of its own: the documents it draws for
 * each download must not take turns with the prefetcher on the app's event loop. It opens
 * the same data folder, so it holds the same large seed and accepts the same tokens, and
 * answers its parent over IPC: set faults, clear and hand over its operation records, draw documents ahead
 * and say how many it drew, stop.
 */
import path from 'node:path';
import { LocalTokenAuthority } from '../../local-env/src/access-tokens';
import { renderDocument } from '../../local-env/src/documents/render';
import { startErsEmulator, type FaultConfig } from '../../local-env/src/ers';
import { LOCAL_ERS_AUDIENCE } from '../../local-env/src/index';

export type EmulatorRequest = { id: number } & (
  | { type: 'faults'; faults: Partial<FaultConfig> }
  | { type: 'clear' }
  | { type: 'operations' }
  | { type: 'drawn' }
  | { type: 'prepare'; binaryIds: string[] }
  | { type: 'close' }
);

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir || !process.send) throw new Error('Start this with fork(), giving the local environment’s data folder.');
  const tokens = await LocalTokenAuthority.create({
    issuer: 'local-apim',
    audience: LOCAL_ERS_AUDIENCE,
    dataDir: path.join(dataDir, 'apim'),
  });
  const emulator = await startErsEmulator({ dataDir: path.join(dataDir, 'ers'), tokens, renderDocument });
  const reply = (message: unknown) => process.send?.(message);
  process.on('message', (message: EmulatorRequest) => {
    void (async () => {
      switch (message.type) {
        case 'faults':
          emulator.setFaults(message.faults);
          reply({ id: message.id });
          return;
        case 'clear':
          emulator.clearOperations();
          reply({ id: message.id });
          return;
        case 'operations':
          reply({ id: message.id, operations: emulator.operations() });
          return;
        case 'prepare':
          reply({ id: message.id, drawn: await emulator.prepareDocuments(message.binaryIds) });
          return;
        case 'drawn':
          reply({ id: message.id, drawn: emulator.documentsDrawn() });
          return;
        case 'close':
          await emulator.close();
          reply({ id: message.id });
          process.exit(0);
      }
    })();
  });
  // If the bench itself stops, so does this.
  process.once('disconnect', () => process.exit(0));
  reply({ ready: true, baseUrl: emulator.baseUrl });
}

main().catch((error: unknown) => {
  process.stderr.write(`The bench's second emulator could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
