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
    plural="cases", field="case", service="cases", collection="cases",
    field_list=fields.CASE_FIELDS, columns=COLUMNS,
    list_method="ListCases", list_request=pb.ListCasesRequest,
    get_method="GetCase", get_request=pb.GetCaseRequest,
    create_method="CreateCase", create_request=pb.CreateCaseRequest,
    update_method="UpdateCase", update_request=pb.UpdateCaseRequest,
    filters={"account": "account", "status": "status", "priority": "priority", "type": "type",
             "level": "level", "assignee": "assignee", "breached": "breached"},
    order_by="create_time, update_time, first_response_due_time or resolution_due_time, "
             "optionally followed by ' desc'.")

group = make_group(RESOURCE, "Service cases (interaction service). Names are cases/{case}.")
