import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/repo';

// build/third-party-notices.mjs run as `npm run build` runs it, in a throwaway project.
describe('third-party notices', () => {
  it('fail the build when a shipped package has no licence', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'notices-'));
    try {
      const write = (file: string, content: unknown) => {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), typeof content === 'string' ? content : JSON.stringify(content));
      };
      write('package.json', { name: 'app', productName: 'App', dependencies: { a: '1' } });
      write('renderer/main.ts', "import { b } from 'b';\nimport type { T } from 'typesonly';\n");
      write('node_modules/a/package.json', { name: 'a', version: '1.0.0', license: 'MIT', dependencies: { c: '1' } });
      write('node_modules/a/LICENSE', 'Copyright a');
      write('node_modules/b/package.json', { name: 'b', version: '2.0.0', license: 'MIT' });
      write('node_modules/b/README.md', '# b\n\n## License\n\nCopyright (c) b, MIT\n');
      write('node_modules/a/node_modules/c/package.json', { name: 'c', version: '3.0.0', license: 'ISC' });
      const result = spawnSync(process.execPath, [path.join(repoRoot, 'build', 'third-party-notices.mjs')], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('c@3.0.0 (node_modules/a/node_modules/c) has no licence file');
      write('node_modules/a/node_modules/c/LICENSE', 'ISC, Copyright c');
      const ok = spawnSync(process.execPath, [path.join(repoRoot, 'build', 'third-party-notices.mjs')], { cwd: root, encoding: 'utf8' });
      expect(ok.status).toBe(0);
      const notices = readFileSync(path.join(root, 'resources', 'THIRD-PARTY-NOTICES.txt'), 'utf8');
      expect(notices).toContain('a 1.0.0 (MIT)');
      expect(notices).toContain('Copyright (c) b, MIT');
      expect(notices).toContain('ISC, Copyright c');
      expect(notices).not.toContain('typesonly');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
