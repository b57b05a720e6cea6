#!/bin/bash
# Creates each service's schema and user on the dev overlay's MariaDB, with
# rights on that schema only (what deploy/README.md asks of a production
# database, and what the test harness does). Run by the Job kam-db-setup;
# safe to run again: it also resets each password to the Secret's.
# Environment: DB_HOST, MYSQL_PWD (root's password, read by the client), and
# KAM_<SERVICE>_DB_PASSWORD for account, interaction and scoring.
set -euo pipefail

# The server may still be starting (its first start initialises the volume).
for attempt in $(seq 1 90); do
  if mariadb --host="$DB_HOST" --user=root --connect-timeout=2 --execute="SELECT 1" >/dev/null 2>&1; then
    break
  fi
  if ((attempt == 90)); then
    echo "kam-db-setup: $DB_HOST did not answer for 3 minutes" >&2
    exit 1
  fi
  sleep 2
done

# A password as an SQL string literal.
quote() {
  local value="${1//\\/\\\\}"
  printf "'%s'" "${value//\'/\\\'}"
}

sql=""
for service in account interaction scoring; do
  variable="KAM_${service^^}_DB_PASSWORD"
  password="$(quote "${!variable:?$variable is not set}")"
  sql+="CREATE DATABASE IF NOT EXISTS kam_${service}
  CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci;
CREATE USER IF NOT EXISTS 'kam_${service}'@'%' IDENTIFIED BY ${password};
ALTER USER 'kam_${service}'@'%' IDENTIFIED BY ${password};
GRANT ALL PRIVILEGES ON \`kam\\_${service}\`.* TO 'kam_${service}'@'%';
"
done
mariadb --host="$DB_HOST" --user=root <<<"$sql"
echo "kam-db-setup: schemas and users of account, interaction and scoring are in place"
