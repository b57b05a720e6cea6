'use strict';
// Node.js client of the KAM suite: the services' stubs built at run time from
// protos/ by @grpc/proto-loader, a channel with TLS and the bearer token, and
// the addresses of `./kam up` or `kam-local --exec` read from the environment.

const fs = require('node:fs');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

// The repository's protos/; KAM_PROTOS points elsewhere (e.g. a copy shipped
// with an application).
const PROTOS = process.env.KAM_PROTOS || path.join(__dirname, '..', '..', 'protos');

// Every service: its proto file, its full name and the suite service that
// serves it (KAM_<SERVICE>_ADDRESS).
const SERVICES = {
  accounts: ['kam/account/v1/account.proto', 'kam.account.v1.AccountService', 'ACCOUNT'],
  activities: ['kam/interaction/v1/activity.proto', 'kam.interaction.v1.ActivityService',
    'INTERACTION'],
  agreements: ['kam/interaction/v1/agreement.proto', 'kam.interaction.v1.AgreementService',
    'INTERACTION'],
  billing: ['kam/interaction/v1/billing.proto', 'kam.interaction.v1.BillingService',
    'INTERACTION'],
  cases: ['kam/interaction/v1/service_case.proto', 'kam.interaction.v1.ServiceCaseService',
    'INTERACTION'],
  policies: ['kam/scoring/v1/policy.proto', 'kam.scoring.v1.ScoringPolicyService', 'SCORING'],
  ratings: ['kam/scoring/v1/rating.proto', 'kam.scoring.v1.RatingService', 'SCORING'],
  reports: ['kam/scoring/v1/report.proto', 'kam.scoring.v1.ReportService', 'SCORING'],
};
const DEFAULT_ADDRESSES = {
  ACCOUNT: '127.0.0.1:50051', INTERACTION: '127.0.0.1:50052', SCORING: '127.0.0.1:50053',
};

// Field names as in the protos (display_name), enums as their names
// ("TIER_A"), int64 as strings (exact beyond 2^53), defaults filled in.
const LOAD_OPTIONS = {
  keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
  includeDirs: [PROTOS],
};

// Channel credentials: TLS trusting caFile (PEM) with the bearer token on
// every call, or plaintext (a suite run with --secure=false) without caFile.
function credentials({ caFile, token }) {
  if (!caFile) {
    if (token) throw new Error('a token needs TLS: give the CA file too');
    return grpc.credentials.createInsecure();
  }
  const tls = grpc.credentials.createSsl(fs.readFileSync(caFile));
  if (!token) return tls;
  const bearer = grpc.credentials.createFromMetadataGenerator((_, callback) => {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    callback(null, metadata);
  });
  return grpc.credentials.combineChannelCredentials(tls, bearer);
}

// A client of one service, e.g. connect('accounts', {address, caFile, token}).
// Unary methods return promises (client.CreateAccount(request) resolves to
// the account); each call has a deadline of `timeoutMs` (10 s).
function connect(name, { address, caFile, token, timeoutMs = 10000 } = {}) {
  const entry = SERVICES[name];
  if (!entry) throw new Error(`unknown service ${name}: one of ${Object.keys(SERVICES)}`);
  const [file, fullName, suiteService] = entry;
  const Service = fullName.split('.').reduce((scope, part) => scope[part],
    grpc.loadPackageDefinition(protoLoader.loadSync(file, LOAD_OPTIONS)));
  const stub = new Service(address || DEFAULT_ADDRESSES[suiteService],
    credentials({ caFile, token }));
  const client = { close: () => stub.close(), stub };
  for (const [method, spec] of Object.entries(Service.service)) {
    if (spec.requestStream || spec.responseStream) continue;
    client[method] = (request) => new Promise((resolve, reject) => {
      stub[method](request, { deadline: Date.now() + timeoutMs }, (error, response) => {
        if (error) reject(error);
        else resolve(response);
      });
    });
  }
  return client;
}

// connect() with the address, CA and token from the environment:
// KAM_<SERVICE>_ADDRESS, KAM_CA_FILE, and KAM_TOKEN or else KAM_TOKEN_<ROLE>.
function connectFromEnv(name, role = 'ADMIN') {
  const suiteService = (SERVICES[name] || [])[2];
  return connect(name, {
    address: process.env[`KAM_${suiteService}_ADDRESS`],
    caFile: process.env.KAM_CA_FILE,
    token: (process.env.KAM_TOKEN || process.env[`KAM_TOKEN_${role}`] || '').trim(),
  });
}

module.exports = { connect, connectFromEnv, status: grpc.status, SERVICES };
