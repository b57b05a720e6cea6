"""`kamctl cases list|get|create|update`: service cases."""

from kam.interaction.v1 import service_case_pb2 as pb

from kamctl import fields
from kamctl.resources import Resource, columns_of, make_group

COLUMNS = columns_of([
    "name", "account", "-contact", "type", "priority", "status", "level", "title",
    "-description", "assignee", "-account_tier", "-sla_policy", "-first_response_due_time",
    "resolution_due_time", "-first_response_breached", "-resolution_breached", "-create_time",
    "-update_time", "-etag"])

RESOURCE = Resource(
    pb, "Case", "cases", "cases", fields.CASE_FIELDS, COLUMNS,
    filters=("account", "status", "priority", "type", "level", "assignee", "breached"),
    order_by="create_time, update_time, first_response_due_time or resolution_due_time, "
             "optionally followed by ' desc'.")

group = make_group(RESOURCE, "Service cases (interaction service). Names are cases/{case}.")
