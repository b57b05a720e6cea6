"""kamctl: the KAM suite at a terminal, for account managers and operators.

A command line over clients/python's kam_client (channel, token, retries,
request ids) and the stubs generated from protos/. One module per command
group (accounts, contacts, cases, import/export, scoring, alerts); `config`
says where to connect, `output` renders tables, JSON and CSV, `fields` and
`rows` hold the field rules that flags and CSV files share. docs/kamctl.md
is the manual.
"""
