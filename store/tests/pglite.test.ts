import { openStore } from '../open.js';
import { eventStoreContract } from './contract.js';

// PGlite has one session, so no transaction can be open while another reads: the open-transaction
// case of the contract is PostgreSQL's alone.
eventStoreContract('PGlite (embedded)', {
  open: (upcasters) => openStore({ dataDir: 'memory', poolSize: 1, upcasters }),
});
