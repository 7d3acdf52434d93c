import { nodeSharesOf } from './pod-nodes';

describe('nodeSharesOf', () => {
  it('should give a pod on one node the whole of it', () => {
    const shares = nodeSharesOf([{ namespace: 'lab', pod: 'train', node: 'gpu-1', samples: 60 }]);
    expect(shares.get('lab\u0000train')).toEqual([{ node: 'gpu-1', share: 1 }]);
  });

  it('should split a pod rescheduled to another node by its samples on each, counts of several reads added', () => {
    const shares = nodeSharesOf([
      { namespace: 'db', pod: 'pg-0', node: 'node-b', samples: 30 },
      { namespace: 'db', pod: 'pg-0', node: 'node-a', samples: 60 },
      { namespace: 'db', pod: 'pg-0', node: 'node-b', samples: 30 },
    ]);
    expect(shares.get('db\u0000pg-0')).toEqual([
      { node: 'node-a', share: 0.5 },
      { node: 'node-b', share: 0.5 },
    ]);
  });

  it('should keep pods of the same name in two namespaces apart and leave out empty counts', () => {
    const shares = nodeSharesOf([
      { namespace: 'a', pod: 'web', node: 'n1', samples: 10 },
      { namespace: 'b', pod: 'web', node: 'n2', samples: 10 },
      { namespace: 'b', pod: 'web', node: 'n3', samples: 0 },
    ]);
    expect(shares.get('a\u0000web')).toEqual([{ node: 'n1', share: 1 }]);
    expect(shares.get('b\u0000web')).toEqual([{ node: 'n2', share: 1 }]);
  });
});
