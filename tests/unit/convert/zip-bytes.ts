/** Rewrites the sizes a zip declares, to build archives that lie about what they hold. */

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;

export function setDeclaredSize(zip: Uint8Array, entryName: string, sizes: { compressed?: number; original: number }): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const name = new TextEncoder().encode(entryName);
  let patched = 0;
  for (let at = 0; at + 46 <= out.length; at += 1) {
    const signature = view.getUint32(at, true);
    if (signature !== LOCAL_HEADER && signature !== CENTRAL_HEADER) continue;
    const central = signature === CENTRAL_HEADER;
    const nameLength = view.getUint16(at + (central ? 28 : 26), true);
    const nameStart = at + (central ? 46 : 30);
    const found = out.subarray(nameStart, nameStart + nameLength);
    if (found.length !== name.length || !found.every((byte, index) => byte === name[index])) continue;
    const sizeAt = at + (central ? 20 : 18);
    if (sizes.compressed !== undefined) view.setUint32(sizeAt, sizes.compressed, true);
    view.setUint32(sizeAt + 4, sizes.original, true);
    patched += 1;
  }
  if (patched !== 2) throw new Error(`expected a local and a central header for ${entryName}, patched ${patched}`);
  return out;
}
