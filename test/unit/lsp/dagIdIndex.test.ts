import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DagIdIndex } from '../../../server/src/lsp/dagIdIndex';

const at = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 5 } });

test('the index reports which dag ids changed and answers definitions in other files', () => {
  const index = new DagIdIndex();
  assert.deepEqual([...index.set('/dags/a.py', [{ dagId: 'orders', range: at(3) }])], ['orders']);
  assert.deepEqual([...index.set('/dags/b.py', [{ dagId: 'orders', range: at(7) }, { dagId: 'users', range: at(9) }])].sort(), ['orders', 'users']);
  assert.deepEqual([...index.set('/dags/b.py', [{ dagId: 'orders', range: at(7) }, { dagId: 'users', range: at(9) }])], [], 'an identical update changes nothing');

  assert.deepEqual(index.viewFor('/dags/a.py').dagDefinitionsElsewhere('orders'), [{ dagId: 'orders', file: '/dags/b.py', range: at(7) }]);
  assert.deepEqual(index.viewFor('/dags/b.py').dagDefinitionsElsewhere('users'), []);
  assert.equal(index.fileCount, 2);
  assert.equal(index.dagCount, 3);

  assert.deepEqual([...index.set('/dags/b.py', [{ dagId: 'orders', range: at(8) }])].sort(), ['orders', 'users'], 'a moved definition and a removed one both count');
  assert.deepEqual(index.viewFor('/dags/a.py').dagDefinitionsElsewhere('orders')[0]!.range, at(8));
  assert.deepEqual(index.definitions('users'), []);
});

test('removing a file or a whole folder forgets its definitions', () => {
  const index = new DagIdIndex();
  index.set('/repo/dags/team/a.py', [{ dagId: 'a', range: at(1) }]);
  index.set('/repo/dags/team/b.py', [{ dagId: 'b', range: at(1) }]);
  index.set('/repo/dags/teammate.py', [{ dagId: 'c', range: at(1) }]);
  assert.deepEqual([...index.removeUnder('/repo/dags/team', '/')].sort(), ['a', 'b']);
  assert.equal(index.has('/repo/dags/teammate.py'), true, 'a sibling sharing the prefix stays');
  assert.deepEqual([...index.remove('/repo/dags/teammate.py')], ['c']);
  assert.equal(index.fileCount, 0);
  assert.deepEqual([...index.remove('/repo/dags/never.py')], []);
});
