#!/usr/bin/env bash
# make-dev-pki.sh: the certificates and the token signing key of a local or
# test run of the KAM suite, made with the openssl command line.
#
#   deploy/pki/make-dev-pki.sh <folder>
#
# Writes into <folder> (created if missing; private keys are mode 0600):
#
#   ca.pem, ca.key                      a private CA (EC P-256, 10 years), the
#                                       trust root every service and client is given
#   server/<svc>.pem, server/<svc>.key  a server certificate per service (account,
#                                       interaction, scoring; 825 days) for
#                                       127.0.0.1, ::1, localhost and the Kubernetes
#                                       names kam-<svc>, kam-<svc>.<ns>,
#                                       kam-<svc>.<ns>.svc, kam-<svc>.<ns>.svc.cluster.local
#                                       (<ns> from $KAM_PKI_NAMESPACE, default "kam")
#   server/mariadb.pem, .key            the local MariaDB's certificate (127.0.0.1,
#                                       ::1, localhost), for the services'
#                                       --db_tls_ca_file=ca.pem in a secured local run
#   client/<svc>.pem, client/<svc>.key  a client certificate per service, for the
#                                       mutual TLS of its calls to the others;
#                                       CN and SAN URI name it: spiffe://kam/service/<svc>
#   tokens/signing.key                  the EC P-256 key tokens are signed with (ES256)
#   tokens/signing.pub.pem              its public half (a PEM key for the verifier)
#   tokens/jwks.json                    the same as a JWKS, kid "signing"
#
# Idempotent: what exists is kept (a second run changes nothing), and what is
# missing is made, so deleting one file and running again remakes just that
# file, signed by the existing CA. A certificate within 30 days of its end is
# remade. Delete the folder to start from scratch. These are development
# credentials: the CA key sits beside the certificates, unprotected.
set -euo pipefail

if [[ $# -ne 1 || "$1" == -* ]]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
fi
readonly OUT="$1"
readonly NAMESPACE="${KAM_PKI_NAMESPACE:-kam}"
readonly SERVICES=(account interaction scoring)
readonly RENEW_SECONDS=$((30 * 24 * 3600))

command -v openssl >/dev/null || { echo "make-dev-pki.sh: openssl not found (apt-get install openssl)" >&2; exit 1; }
umask 077
mkdir -p "$OUT/server" "$OUT/client" "$OUT/tokens"
cd "$OUT"

say() { printf 'make-dev-pki: %s\n' "$*" >&2; }

# An EC P-256 private key in $1 unless one is there.
ec_key() {
  [[ -s "$1" ]] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

# True when certificate $1 exists and is valid for RENEW_SECONDS more.
fresh() {
  [[ -s "$1" ]] && openssl x509 -in "$1" -noout -checkend "$RENEW_SECONDS" >/dev/null 2>&1
}

if ! fresh ca.pem || [[ ! -s ca.key ]]; then
  say "making the CA"
  ec_key ca.key
  openssl req -new -x509 -key ca.key -sha256 -days 3650 -subj "/O=KAM development/CN=KAM dev CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" -out ca.pem
  # A new CA invalidates every certificate signed by the old one.
  rm -f server/*.pem client/*.pem
fi

# issue <cert> <key> <common name> <extension lines>: a leaf signed by the CA.
issue() {
  local cert="$1" key="$2" cn="$3" extensions="$4"
  if fresh "$cert" && openssl verify -CAfile ca.pem "$cert" >/dev/null 2>&1; then return; fi
  say "issuing $cert"
  ec_key "$key"
  local config
  config="$(mktemp)"
  printf '%s\n' "$extensions" > "$config"
  openssl req -new -key "$key" -subj "/O=KAM development/CN=$cn" 2>/dev/null |
    openssl x509 -req -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days 825 \
      -extfile "$config" -out "$cert" 2>/dev/null
  rm -f "$config"
}

for svc in "${SERVICES[@]}"; do
  name="kam-$svc"
  issue "server/$svc.pem" "server/$svc.key" "$name" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost,DNS:$name,DNS:$name.$NAMESPACE,DNS:$name.$NAMESPACE.svc,DNS:$name.$NAMESPACE.svc.cluster.local"
  issue "client/$svc.pem" "client/$svc.key" "service:$svc" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectAltName=URI:spiffe://kam/service/$svc"
done

# The local MariaDB (tests/harness/mariadb_server.h, Options::tls) presents
# this one; the services reach it on loopback only.
issue "server/mariadb.pem" "server/mariadb.key" "kam-mariadb" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost"

# The token signing key and its JWKS: the public point is the last 64 bytes of
# the key's DER SubjectPublicKeyInfo (x then y, 32 bytes each, big-endian).
if [[ ! -s tokens/signing.key ]]; then
  say "making the token signing key"
  ec_key tokens/signing.key
  rm -f tokens/signing.pub.pem tokens/jwks.json
fi
[[ -s tokens/signing.pub.pem ]] || openssl pkey -in tokens/signing.key -pubout -out tokens/signing.pub.pem
if [[ ! -s tokens/jwks.json ]]; then
  b64url() { basenc --base64url -w0 | tr -d '='; }
  point="$(mktemp)"
  openssl pkey -pubin -in tokens/signing.pub.pem -outform DER | tail -c 64 > "$point"
  x="$(head -c 32 "$point" | b64url)"
  y="$(tail -c 32 "$point" | b64url)"
  rm -f "$point"
  printf '{"keys":[{"kty":"EC","crv":"P-256","x":"%s","y":"%s","kid":"signing","use":"sig","alg":"ES256"}]}\n' \
    "$x" "$y" > tokens/jwks.json
fi
# Public material is readable by all; keys stay 0600.
chmod 0644 ca.pem server/*.pem client/*.pem tokens/signing.pub.pem tokens/jwks.json
rm -f ca.srl
