'use strict';
// The Node client (clients/node) against a running, secured suite: run by
// ctest under `kam-local --exec`, which sets KAM_*_ADDRESS, KAM_CA_FILE and
// KAM_TOKEN_<ROLE>. Uses node's own test runner (node --test).

const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');

const NODE_CLIENT = path.join(__dirname, '..', '..', 'clients', 'node');
const { connect, connectFromEnv, status } = require(path.join(NODE_CLIENT, 'kam_client'));
const example = require(path.join(NODE_CLIENT, 'examples', 'account_example'));

test('the account example creates, reads and lists an account', async () => {
  await example.main();
});

test('an invalid argument names the field', async () => {
  const accounts = connectFromEnv('accounts');
  try {
    await assert.rejects(accounts.GetAccount({ name: 'customers/1' }), (error) => {
      assert.strictEqual(error.code, status.INVALID_ARGUMENT);
      assert.match(error.details, /^name\b/);
      return true;
    });
  } finally {
    accounts.close();
  }
});

test('a call without a token is refused', async () => {
  const accounts = connect('accounts', {
    address: process.env.KAM_ACCOUNT_ADDRESS, caFile: process.env.KAM_CA_FILE,
  });
  try {
    await assert.rejects(accounts.GetAccount({ name: 'accounts/1' }),
      (error) => error.code === status.UNAUTHENTICATED);
  } finally {
    accounts.close();
  }
});
