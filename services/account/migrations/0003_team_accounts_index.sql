-- An account manager's accounts (ListTeamAccounts, and the narrowing of their
-- calls: the memberships of one user that have not ended) read from the
-- index alone, however large the teams grow.
CREATE INDEX IF NOT EXISTS ix_team_user_accounts
  ON team_memberships (user_id, end_time, account_id);
