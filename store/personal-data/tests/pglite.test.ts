import { openStore } from '../../open.js';
import { MasterKeyring } from '../keyring.js';
import { masterKey, personalDataContract, testPolicy } from './suite.js';

personalDataContract('PGlite', () =>
  openStore({ dataDir: 'memory', poolSize: 1, personalData: { policy: testPolicy, keyring: new MasterKeyring([masterKey('k1')]) } }),
);
