'use strict';
// Creates an account (a retry with the same request id returns the same
// one), reads it back and lists the accounts of its label, against `./kam up`
// or the suite `kam-local --exec` starts:  node examples/account_example.js

const crypto = require('node:crypto');
const { connectFromEnv } = require('../kam_client');

async function main() {
  const accounts = connectFromEnv('accounts');
  try {
    const batch = crypto.randomUUID().slice(0, 8);
    const request = {
      account: { display_name: 'Node example', industry: 'retail', region: 'east',
        labels: { example: batch } },
      request_id: crypto.randomUUID(),
    };
    const created = await accounts.CreateAccount(request);
    const again = await accounts.CreateAccount(request);
    const read = await accounts.GetAccount({ name: created.name });
    const listed = await accounts.ListAccounts({ filter: `labels.example = "${batch}"` });
    console.log(`created ${created.name} "${created.display_name}" etag ${created.etag}`);
    console.log(`read    ${read.name} "${read.display_name}" tier ${read.tier}`);
    console.log(`listed  ${listed.accounts.map((a) => a.name).join(', ')}`);
    if (again.name !== created.name || read.display_name !== 'Node example'
        || listed.accounts.length !== 1) {
      throw new Error(`unexpected: retry ${again.name}, read ${read.name}, listed ${listed.accounts.length}`);
    }
  } finally {
    accounts.close();
  }
}

module.exports = { main };

if (require.main === module) {
  main().catch((error) => {
    console.error(`account example: ${error.message}`);
    process.exit(1);
  });
}
